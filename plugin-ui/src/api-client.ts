// The one way widgets talk to the plugin API. The bearer token is read at every request
// (not captured once) because PanelOne replaces `context-token` before it expires.

/** Standard error body of every API error response. */
export interface ApiErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  correlationId?: string;
}

/** The context token was rejected (HTTP 401): the host must provide a fresh one. */
export class SessionExpiredError extends Error {
  override name = 'SessionExpiredError';
  /** `rejectedToken` is the token the request carried, so a caller can tell if it was since replaced. */
  constructor(readonly rejectedToken = '') {
    super('Session expired. Reload the page or sign in again.');
  }
}

/** Any other non-2xx answer, with a message a person can read. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly correlationId?: string,
  ) {
    super(message);
  }
}

export interface ApiConnection {
  apiBase: string;
  contextToken: string;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function toQueryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export class ApiClient {
  /** `connection` is asked at each request, so the current token is always used. */
  constructor(private readonly connection: () => ApiConnection) {}

  get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return this.json<T>('GET', path + toQueryString(query), undefined, signal);
  }

  post<T>(path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    return this.json<T>('POST', path, body, signal);
  }

  put<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    return this.json<T>('PUT', path, body, signal);
  }

  /**
   * Fetches a file with the bearer header and hands it to the browser as a download, under the
   * name the server gives in Content-Disposition. `path` is an API path (`/reconciliation/...`),
   * or a full `/api/v1/...` path or URL as the API itself links it (same origin as api-base only,
   * so the token never goes elsewhere).
   */
  async download(path: string, query: Query, fallbackName: string): Promise<string> {
    const { blob, fileName } = await this.file(path, query, fallbackName);
    const url = URL.createObjectURL(blob);
    const anchor = document.createElement('a');
    anchor.href = url;
    anchor.download = fileName;
    anchor.style.display = 'none';
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    return fileName;
  }

  /**
   * Fetches a page with the bearer header and opens it in a new tab from a blob URL (a bare link
   * would carry no token). `tab` is a window opened at the click, so no pop-up blocker stops it.
   */
  async openPage(path: string, query: Query, tab: Window | null): Promise<void> {
    try {
      const { blob } = await this.file(path, query, 'page.html');
      const url = URL.createObjectURL(blob);
      if (tab && !tab.closed) tab.location.href = url;
      else window.open(url, '_blank');
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (error) {
      tab?.close();
      throw error;
    }
  }

  private async file(path: string, query: Query, fallbackName: string): Promise<{ blob: Blob; fileName: string }> {
    const response = await this.request('GET', this.apiPath(path) + toQueryString(query));
    return { blob: await response.blob(), fileName: fileNameFrom(response.headers.get('content-disposition')) ?? fallbackName };
  }

  private apiPath(link: string): string {
    if (link.startsWith('/api/v1/')) return link.slice('/api/v1'.length); // relative to api-base
    if (!/^https?:\/\//.test(link)) return link;
    const base = new URL(this.connection().apiBase || location.href, location.href);
    const url = new URL(link);
    const at = url.pathname.indexOf('/api/v1/');
    if (url.origin !== base.origin || at < 0) throw new Error('The download link points outside BillingOne Reconcile.');
    return url.pathname.slice(at + '/api/v1'.length) + url.search;
  }

  private async json<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const response = await this.request(method, path, body, signal);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private async request(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    const { apiBase, contextToken } = this.connection();
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (contextToken) headers.Authorization = `Bearer ${contextToken}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${apiBase.replace(/\/+$/, '')}/api/v1${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new ApiError(0, 'Cannot reach the BillingOne Reconcile service. Check your connection and try again.');
    }
    if (response.status === 401) throw new SessionExpiredError(contextToken);
    if (!response.ok) throw await toApiError(response);
    return response;
  }
}

async function toApiError(response: Response): Promise<ApiError> {
  let body: Partial<ApiErrorBody> = {};
  try {
    body = (await response.json()) as Partial<ApiErrorBody>;
  } catch {
    // Not the standard body (a proxy page, say): fall back to the status text.
  }
  const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
  return new ApiError(
    response.status,
    message || body.error || `The service answered ${response.status} ${response.statusText}`.trim(),
    body.correlationId,
  );
}

function fileNameFrom(disposition: string | null): string | undefined {
  if (!disposition) return undefined;
  const encoded = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (encoded) return decodeURIComponent(encoded[1]);
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
  return plain?.[1];
}
