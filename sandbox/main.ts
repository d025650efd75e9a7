import { optionsFromEnv } from './options';
import { startSandbox } from './server';

// `npm run sandbox`: the sandbox alone, configured by SANDBOX_* variables (sandbox/README.md).
const options = optionsFromEnv(process.env);
const running = await startSandbox(options);
console.log(
  `Onramp sandbox (stand-in for Meta) listening on ${running.url} (scenario ${running.sandbox.state.scenario}, seed ${running.sandbox.options.seed})`,
);

const stop = () => {
  void running.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// Started by `npm start`: the portal holds our stdin open; when it dies, even by SIGKILL, we stop too.
if (process.env.SANDBOX_EXIT_WITH_PARENT === '1') {
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
}
