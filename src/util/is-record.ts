// A parsed JSON (or YAML) value that is an object, not an array or null.
export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
