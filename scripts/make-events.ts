import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  DOCKER_HOST_REDRIVE_QUEUE_URL,
  QUEUED_EVENT_FILES,
  queuedEnvVars,
  queuedEvents,
} from './queued-sample-events';
import {
  DOCKER_HOST_ENDPOINTS,
  LOCAL_CREDENTIALS,
  SAMPLE_EVENT_FILES,
  samEnvVars,
  sampleEvents,
} from './sample-events';

/**
 * Writes events/*.json (API Gateway v2, stream and SQS events for `sam local invoke -e` and `npm run invoke`) and
 * events/env-vars.json, all from one app secret so the signatures stay valid. Defaults reproduce the
 * committed files; pass your own values to sign with them instead.
 */
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'events' },
    'app-secret': { type: 'string', default: LOCAL_CREDENTIALS.appSecret },
    'verify-token': { type: 'string', default: LOCAL_CREDENTIALS.verifyToken },
    'access-token': { type: 'string', default: LOCAL_CREDENTIALS.accessToken },
    'dynamodb-endpoint': { type: 'string', default: DOCKER_HOST_ENDPOINTS.dynamoDb },
    'graph-base-url': { type: 'string', default: DOCKER_HOST_ENDPOINTS.graph },
    'redrive-queue-url': { type: 'string', default: DOCKER_HOST_REDRIVE_QUEUE_URL },
  },
});

const credentials = {
  appSecret: values['app-secret'],
  verifyToken: values['verify-token'],
  accessToken: values['access-token'],
};
mkdirSync(values.out, { recursive: true });
// A few seconds ago, like a message just received: queued mode refuses a reply 24 h after it.
const sentAtMs = (Math.floor(Date.now() / 1000) - 5) * 1000;
const events = sampleEvents(credentials, sentAtMs);
for (const file of SAMPLE_EVENT_FILES) writeJson(file, events[file]);
for (const file of QUEUED_EVENT_FILES) writeJson(file, queuedEvents(sentAtMs)[file]);
console.log(
  `messages dated ${new Date(sentAtMs).toISOString()}: inside the 24-hour reply window until ${new Date(sentAtMs + 86_400_000).toISOString()} (npm run invoke refreshes older ones)`,
);
writeJson('env-vars.json', {
  ...samEnvVars(credentials, { dynamoDb: values['dynamodb-endpoint'], graph: values['graph-base-url'] }),
  ...queuedEnvVars(values['redrive-queue-url']),
});

function writeJson(file: string, value: unknown) {
  const path = join(values.out, file);
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
  console.log(`wrote ${path}`);
}
