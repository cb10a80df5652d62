// No test may reach a real CRM: only loopback (the sandboxes, Sway itself, Redis, PostgreSQL).
import nock from 'nock';

nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
