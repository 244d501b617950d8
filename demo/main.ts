/**
 * `npm start`: the custos demo bank on http://localhost:3000 and a hostile site on
 * http://127.0.0.1:3001. Configuration is the environment contract in DESIGN.md.
 */
import { startDemo } from './server.js';

const demo = await startDemo({ log: (line) => console.log(line) });
console.log(`Custos Bank:   ${demo.bankUrl}   (alice / alice-correct-horse, bob / bob-battery-staple)`);
console.log(`Sessions in:   ${demo.store}`);
if (demo.redirectUrl) console.log(`HTTP redirect: ${demo.redirectUrl} → ${demo.bankUrl}`);
if (demo.metricsUrl) console.log(`Metrics:       ${demo.metricsUrl}   (METRICS=0 turns it off)`);
if (demo.attackerUrl) console.log(`Hostile site:  ${demo.attackerUrl}   (visit it while signed in)`);

let stopping = false;
const shutdown = () => {
  if (stopping) return;
  stopping = true;
  demo.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
