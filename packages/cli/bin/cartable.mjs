#!/usr/bin/env node
// The workspace's bin: tsx loads the TypeScript sources, then the program runs. The published package's bin
// is dist/main.js, run by plain node (publishConfig.bin; docs/releasing.md).
import { register } from "tsx/esm/api"

register()
await import("../src/main.ts")
