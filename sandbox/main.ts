import { optionsFromEnv } from './options';
import { startSandbox } from './server';

// `npm run sandbox`: the sandbox alone, configured by SANDBOX_* variables (sandbox/README.md).
const options = optionsFromEnv(process.env);
const running = await startSandbox(options);
console.log(`Onramp sandbox (stand-in for Meta) listening on ${running.url} (scenario ${running.sandbox.state.scenario}, seed ${running.sandbox.options.seed})`);

const stop = () => {
  void running.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
