import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { freePort } from '../devkit/dynamodb-local';
import { ENV } from '../lambda/config/env-names';
import { banner } from './banner';
import { type LocalServer, startLocalServer } from './local-server';
import { compactLogs } from './log-format';
import { type LocalOptions, parseStartOptions, USAGE, UsageError } from './options';

/** Set in the process `--watch` restarts, with the secrets the watcher generated once for all restarts. */
const WATCH_CHILD = 'WHATSAPP_ONCE_WATCH_CHILD';

// The SDK warns once per process that its 2027 releases need Node 22: known (the lockfile pins it), and noise
// at every start of a dev server. Set before any client exists; an explicit setting wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const args = process.argv.slice(2);
const options = readOptions();
if (options.watch && process.env[WATCH_CHILD] === undefined) await watch(options);
else await serve(options);

function readOptions(): LocalOptions {
  try {
    const parsed = parseStartOptions(args, process.env);
    if (parsed.help) {
      process.stdout.write(USAGE);
      process.exit(0);
    }
    if (process.env[WATCH_CHILD] !== undefined) {
      const generated = process.env[WATCH_CHILD].split(',');
      parsed.generated = {
        appSecret: generated.includes('appSecret'),
        verifyToken: generated.includes('verifyToken'),
      };
    }
    return parsed;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
}

async function serve(options: LocalOptions): Promise<void> {
  if (!options.rawLogs) {
    compactLogs(process.stdout);
    compactLogs(process.stderr);
  }
  const print = options.quiet ? () => {} : (line: string) => console.log(line);
  let server: LocalServer | undefined;
  let stopping = false;
  const stop = async (running: LocalServer) => {
    await running.stop();
    console.log('Stopped.');
    // The handler's SDK clients keep idle sockets and timers; Lambda would freeze them, we just leave.
    process.exit(0);
  };
  // Installed before start-up: a Ctrl-C while DynamoDB Local boots must not orphan its java process.
  const onSignal = (signal: string) => {
    if (stopping) {
      // A second Ctrl-C: the user does not want to wait for requests in progress.
      process.exit(130);
    }
    stopping = true;
    if (server === undefined) {
      console.log(`\n${signal}: stopping once start-up is done...`);
      return;
    }
    console.log(`\n${signal}: finishing requests in progress, then stopping...`);
    void stop(server);
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  try {
    server = await startLocalServer(options, print);
  } catch (error) {
    console.error(
      `Could not start the local server: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  }
  if (stopping) return stop(server);
  // Uptime counts Node's own start too: what the user waits for.
  console.log(banner(server, options, process.uptime() * 1000));
}

/**
 * `--watch`: runs this same script under `tsx watch`, which restarts it when an imported file changes.
 * Port and secrets are fixed here once, so the webhook URL and signatures stay valid across restarts.
 */
async function watch(options: LocalOptions): Promise<void> {
  const port = options.port === 0 ? await freePort() : options.port;
  const childArgs = [...args.filter((arg) => arg !== '--watch'), '--port', String(port)];
  const generated = Object.entries(options.generated).flatMap(([name, was]) => (was ? [name] : []));
  const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
  const child = spawn(
    process.execPath,
    [tsxCli, 'watch', '--clear-screen=false', fileURLToPath(import.meta.url), ...childArgs],
    {
      stdio: 'inherit',
      env: {
        ...process.env,
        [ENV.appSecret]: options.appSecret,
        [ENV.verifyToken]: options.verifyToken,
        [WATCH_CHILD]: generated.join(','),
      },
    },
  );
  // Ctrl-C reaches the whole process group; the watcher stops its child, then we follow it out.
  const ignore = () => {};
  process.on('SIGINT', ignore);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
