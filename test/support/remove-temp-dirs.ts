import { afterAll } from 'vitest';
import { removeTempDirs } from './temp-dirs.js';

// A setup file: every test file removes the directories it made with makeTempDir.
afterAll(removeTempDirs);
