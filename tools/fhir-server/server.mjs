#!/usr/bin/env node
// Telerad's test FHIR server: a real receiving FHIR R4 server (@medplum/fhir-router, in memory) with a test OAuth
// authorization server and fault injection, for the results-delivery tests and for trying delivery by hand.
// Loopback only. See docs/results-delivery.md.
//
//   node tools/fhir-server/server.mjs [--port N] [--auth] [--clients FILE] [--token-lifetime SECONDS] [--exit-with-stdin]
//
//   --port N              port on 127.0.0.1 (0 or absent: a free port, printed in the ready line)
//   --auth                the FHIR API refuses requests without a valid bearer token (401)
//   --clients FILE        JSON array of clients to register (see AuthorizationServer.registerClient)
//   --token-lifetime S    expires_in of issued tokens (default 300)
//   --exit-with-stdin     exit when standard input closes (the test fixture's parent process went away)
//
// Once listening it prints one line:
//   telerad-fhir-server ready port=PORT fhir=http://127.0.0.1:PORT/fhir token=http://127.0.0.1:PORT/auth/token auth=on|off
//
// Routes:
//   /fhir/...                     the FHIR REST API (POST /fhir = transaction or batch)
//   /fhir/metadata                a small CapabilityStatement; /fhir/.well-known/smart-configuration
//   POST /auth/token              the token endpoint
//   /$test/...                    test control (never behind auth): faults, clients, tokens, clock, stats, requests, reset
import http from 'node:http';
import fs from 'node:fs';
import { AuthorizationServer } from './authorization.mjs';

// @medplum/core reads WebSocket's constants when it loads; Node 20 has WebSocket only behind
// --experimental-websocket. This server never opens a WebSocket, so a stand-in keeps it runnable with plain `node`.
if (typeof globalThis.WebSocket === 'undefined') {
  globalThis.WebSocket = class {
    static CONNECTING = 0;
    static OPEN = 1;
    static CLOSING = 2;
    static CLOSED = 3;
    constructor() {
      throw new Error('WebSocket is not available in the Telerad test FHIR server');
    }
  };
}
const { FhirStore, outcome } = await import('./fhir-store.mjs');

const MAX_BODY_BYTES = 32 * 1024 * 1024;
const FHIR_JSON = 'application/fhir+json; charset=utf-8';

const options = parseArguments(process.argv.slice(2));
const store = new FhirStore();
const sockets = new Set();
const faults = [];
const recentRequests = [];
let stats = newStats();
let authorization;

const server = http.createServer((request, response) => {
  route(request, response).catch((error) => {
    console.error(`telerad-fhir-server: ${error?.stack ?? error}`);
    if (!response.headersSent) send(response, 500, outcome('exception', 'internal error in the test server'));
    else response.destroy();
  });
});
server.on('connection', (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
});
server.keepAliveTimeout = 30_000;

server.listen(options.port, '127.0.0.1', () => {
  const port = server.address().port;
  const origin = `http://127.0.0.1:${port}`;
  authorization = new AuthorizationServer({ tokenUrl: `${origin}/auth/token`, tokenLifetimeSeconds: options.tokenLifetime });
  for (const client of options.clients) authorization.registerClient(client);
  console.log(`telerad-fhir-server ready port=${port} fhir=${origin}/fhir token=${origin}/auth/token auth=${options.auth ? 'on' : 'off'}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, shutdown);
if (options.exitWithStdin) {
  process.stdin.on('end', shutdown);
  process.stdin.on('close', shutdown);
  process.stdin.resume();
}

function shutdown() {
  server.close();
  for (const socket of sockets) socket.destroy();
  process.exit(0);
}

async function route(request, response) {
  const url = new URL(request.url, 'http://127.0.0.1');
  const path = url.pathname;
  if (path.startsWith('/$test/')) return control(request, response, path.slice('/$test/'.length), url);
  if (path === '/auth/token') return tokenEndpoint(request, response);
  if (path === '/fhir' || path.startsWith('/fhir/')) return fhir(request, response, url);
  await readBody(request);
  send(response, 404, outcome('not-found', 'no such route (the FHIR base is /fhir)'));
}

async function tokenEndpoint(request, response) {
  const fault = takeFault('token');
  if (fault && (await applyFaultBefore(fault, request, response))) return;
  const body = await readBody(request);
  if (request.method !== 'POST') return sendJson(response, 405, { error: 'invalid_request', error_description: 'POST only' });
  if (!/^application\/x-www-form-urlencoded/i.test(request.headers['content-type'] ?? '')) {
    return sendJson(response, 400, { error: 'invalid_request', error_description: 'the body must be application/x-www-form-urlencoded' });
  }
  const result = authorization.token(new URLSearchParams(body.toString('utf8')), request.headers['authorization']);
  // RFC 6749 §5.1: token responses must not be cached.
  sendJson(response, result.status, result.body, { 'Cache-Control': 'no-store', Pragma: 'no-cache', ...(result.headers ?? {}) });
}

async function fhir(request, response, url) {
  let relative;
  try {
    relative = url.pathname === '/fhir' ? '' : decodeURI(url.pathname.slice('/fhir/'.length));
  } catch {
    await readBody(request);
    return send(response, 400, outcome('invalid', 'the path is not valid percent-encoding'));
  }
  const path = relative + url.search;
  stats.fhirRequests++;
  const key = `${request.method} ${relative === '' ? '(base)' : relative.split('/')[0]}`;
  stats.byRoute[key] = (stats.byRoute[key] ?? 0) + 1;
  remember(request, relative);

  const fault = takeFault('fhir');
  if (fault && !fault.afterProcessing && (await applyFaultBefore(fault, request, response))) return;

  const body = await readBody(request);
  if (relative === 'metadata' && request.method === 'GET') return send(response, 200, capabilityStatement(url));
  if (relative === '.well-known/smart-configuration' && request.method === 'GET') return sendJson(response, 200, smartConfiguration());

  if (options.auth) {
    const header = request.headers['authorization'] ?? '';
    const token = /^bearer /i.test(header) ? header.slice(7).trim() : null;
    if (!token || !authorization.check(token)) {
      stats.unauthorized++;
      const challenge = token ? 'Bearer realm="telerad-test", error="invalid_token"' : 'Bearer realm="telerad-test"';
      return send(response, 401, outcome('login', token ? 'the access token is invalid or has expired' : 'an access token is required'), {
        'WWW-Authenticate': challenge,
      });
    }
  }

  let parsed;
  if (body.length > 0) {
    const type = request.headers['content-type'] ?? '';
    if (!/^application\/(fhir\+)?json\b/i.test(type)) {
      return send(response, 415, outcome('not-supported', 'send application/fhir+json'));
    }
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return send(response, 400, outcome('structure', 'the body is not valid JSON'));
    }
  }
  if (['POST', 'PUT', 'PATCH'].includes(request.method) && parsed === undefined) {
    return send(response, 400, outcome('required', 'a body is required'));
  }

  const result = await store.handle({ method: request.method, path, headers: request.headers, body: parsed });
  if (fault?.afterProcessing) {
    // The request took effect, but the client does not learn of it: the case that makes idempotency matter.
    stats.faultsServed++;
    if (fault.reset) return request.socket.destroy();
    return sendFault(fault, response);
  }
  send(response, result.status, result.body, result.headers);
}

async function control(request, response, command, url) {
  const body = await readBody(request);
  const input = body.length > 0 ? JSON.parse(body.toString('utf8')) : {};
  switch (`${request.method} ${command}`) {
    case 'POST faults': {
      // { faults: [{ target?: 'fhir'|'token', status?, retryAfter?, outcome?, hangMs?, reset?, afterProcessing?, times? }] }
      for (const fault of input.faults ?? []) {
        for (let i = 0; i < (fault.times ?? 1); i++) faults.push({ target: 'fhir', ...fault });
      }
      return sendJson(response, 200, { pending: faults.length });
    }
    case 'DELETE faults':
      faults.length = 0;
      return sendJson(response, 200, { pending: 0 });
    case 'POST clients':
      authorization.registerClient(input);
      return sendJson(response, 200, { registered: input.clientId });
    case 'POST tokens':
      authorization.acceptToken(input);
      return sendJson(response, 200, { accepted: true });
    case 'POST tokens/revoke':
      authorization.revokeAllTokens();
      return sendJson(response, 200, { revoked: true });
    case 'POST clock':
      authorization.advanceClock(Number(input.advanceSeconds ?? 0));
      return sendJson(response, 200, { now: new Date(authorization.nowMs()).toISOString() });
    case 'GET stats':
      return sendJson(response, 200, {
        ...stats,
        pendingFaults: faults.length,
        created: store.created,
        updated: store.updated,
        tokensIssued: authorization.tokensIssued,
        tokenRequestsRefused: authorization.tokenRequestsRefused,
        lastTokenRefusal: authorization.lastRefusal,
      });
    case 'GET requests':
      return sendJson(response, 200, recentRequests);
    case 'POST reset':
      faults.length = 0;
      recentRequests.length = 0;
      stats = newStats();
      store.reset();
      authorization.reset();
      return sendJson(response, 200, { reset: true });
    default:
      return sendJson(response, 404, { error: `no test command ${request.method} ${command}` });
  }
}

function takeFault(target) {
  const index = faults.findIndex((f) => f.target === target);
  return index < 0 ? null : faults.splice(index, 1)[0];
}

/** Applies a fault instead of handling the request; false when the fault is for after processing. */
async function applyFaultBefore(fault, request, response) {
  stats.faultsServed++;
  if (fault.reset) {
    request.socket.destroy();
    return true;
  }
  if (fault.hangMs) {
    // Never answer; drop the connection after hangMs so nothing waits for ever.
    request.resume();
    setTimeout(() => request.socket.destroy(), fault.hangMs).unref();
    return true;
  }
  await readBody(request);
  sendFault(fault, response);
  return true;
}

function sendFault(fault, response) {
  const status = fault.status ?? 503;
  const headers = fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {};
  const body = fault.outcome ?? defaultFaultOutcome(status);
  if (fault.target === 'token') return sendJson(response, status, { error: 'temporarily_unavailable', error_description: `injected ${status}` }, headers);
  send(response, status, body, headers);
}

function defaultFaultOutcome(status) {
  if (status === 429) return outcome('throttled', 'injected: too many requests');
  if (status >= 500) return outcome('transient', `injected: ${status}`);
  return outcome('processing', `injected: ${status}`);
}

function remember(request, relative) {
  recentRequests.push({
    method: request.method,
    path: relative,
    contentType: request.headers['content-type'] ?? null,
    accept: request.headers['accept'] ?? null,
    prefer: request.headers['prefer'] ?? null,
    ifNoneExist: request.headers['if-none-exist'] ?? null,
    authorization: request.headers['authorization'] ? request.headers['authorization'].split(' ')[0] : null,
  });
  if (recentRequests.length > 100) recentRequests.shift();
}

function newStats() {
  return { fhirRequests: 0, faultsServed: 0, unauthorized: 0, byRoute: {} };
}

function capabilityStatement(url) {
  const origin = `http://${url.host}`;
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    kind: 'instance',
    software: { name: 'telerad-fhir-server (test)' },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json'],
    rest: [
      {
        mode: 'server',
        security: options.auth
          ? {
              extension: [
                {
                  url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
                  extension: [{ url: 'token', valueUri: `${origin}/auth/token` }],
                },
              ],
            }
          : undefined,
        interaction: [{ code: 'transaction' }, { code: 'batch' }, { code: 'search-system' }],
      },
    ],
  };
}

function smartConfiguration() {
  return {
    token_endpoint: authorization.tokenUrl,
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic', 'client_secret_post'],
    token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
    capabilities: ['client-confidential-asymmetric', 'client-confidential-symmetric'],
  };
}

function readBody(request) {
  if (request.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    request.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function send(response, status, resource, headers = {}) {
  const text = JSON.stringify(resource);
  response.writeHead(status, { 'Content-Type': FHIR_JSON, 'Content-Length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

function sendJson(response, status, value, headers = {}) {
  const text = JSON.stringify(value);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

function parseArguments(argv) {
  const result = { port: 0, auth: false, clients: [], tokenLifetime: 300, exitWithStdin: false };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${name} needs a value`);
      return argv[++i];
    };
    switch (name) {
      case '--port':
        result.port = Number.parseInt(value(), 10);
        if (!(result.port >= 0 && result.port < 65536)) usage('--port must be 0-65535');
        break;
      case '--auth':
        result.auth = true;
        break;
      case '--clients':
        result.clients = JSON.parse(fs.readFileSync(value(), 'utf8'));
        break;
      case '--token-lifetime':
        result.tokenLifetime = Number.parseInt(value(), 10);
        if (!(result.tokenLifetime > 0)) usage('--token-lifetime must be a positive number of seconds');
        break;
      case '--exit-with-stdin':
        result.exitWithStdin = true;
        break;
      default:
        usage(`unknown argument ${name}`);
    }
  }
  return result;
}

function usage(message) {
  console.error(`telerad-fhir-server: ${message}`);
  console.error('usage: node tools/fhir-server/server.mjs [--port N] [--auth] [--clients FILE] [--token-lifetime SECONDS] [--exit-with-stdin]');
  process.exit(2);
}
