#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's ESM loader, so there is no build step to forget.
import { register } from 'tsx/esm/api';
register();
// First, before any dependency that needs Node 22 loads (src/node-version.ts).
const { exitUnlessSupportedNode } = await import('../src/node-version.ts');
exitUnlessSupportedNode();
await import('../src/cli.ts');
