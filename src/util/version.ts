// Kept in step with package.json by test/version.test.ts; sent as the SDK name/version.
export const VERSION = '0.1.0';
export const CLIENT_NAME = 'cronmon';
export const USER_AGENT = `${CLIENT_NAME}/${VERSION}`;
