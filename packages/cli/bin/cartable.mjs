#!/usr/bin/env node
// The packages ship their TypeScript sources: tsx loads them, then the program runs.
import { register } from "tsx/esm/api"

register()
await import("../src/main.ts")
