#!/usr/bin/env node
import { runCli } from './program.js';

const code = await runCli(process.argv);
// Wait for stdout to drain before exiting: a store client left open must not keep us alive.
process.stdout.write('', () => process.exit(code));
