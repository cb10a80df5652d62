// No test may reach a real CRM: only loopback (the sandboxes, Sway itself, Redis, PostgreSQL).
import nock from 'nock';
import { refuseNonLoopbackSockets } from './helpers/loopback-sockets.ts';

nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
// For clients nock cannot see (jsforce's undici): test/helpers/loopback-sockets.ts.
refuseNonLoopbackSockets();
