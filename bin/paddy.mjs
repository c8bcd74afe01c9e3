#!/usr/bin/env node
// The `paddy` CLI: runs the TypeScript sources through tsx, so `npx paddy` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
await import('../src/main/cli/main.ts');
