// The demo host's glue: fetches a dev context token, keeps every widget's `context-token`
// fresh before it expires, routes between pages and follows b1r-client-select.
const WIDGETS = 'billingone-reconciliation, billingone-home-card, billingone-client-panel, billingone-sync-tools, billingone-settings, billingone-missed-billing, billingone-products, billingone-action-queue';
const PAGES = ['dashboard', 'missed-billing', 'approvals', 'products', 'client', 'sync', 'settings'];
const REFRESH_MARGIN_MS = 60_000;
const roleSelect = document.getElementById('role');
const tokenStatus = document.getElementById('token-status');
const clientSelect = document.getElementById('client-select');
let token = '';
let refreshTimer;

function widgets() {
  return document.querySelectorAll(WIDGETS);
}

function clientPanel() {
  return document.querySelector('billingone-client-panel');
}

// Another role is another PanelOne user: like PanelOne, mount the widgets afresh for them, so
// nothing loaded for the previous user stays on screen.
async function switchUser() {
  for (const widget of widgets()) {
    const fresh = widget.cloneNode(false);
    fresh.removeAttribute('context-token'); // widgets wait for their user's token before loading
    widget.replaceWith(fresh);
  }
  await refreshToken();
}

async function refreshToken() {
  clearTimeout(refreshTimer);
  try {
    const response = await fetch(`/demo/context-token?role=${encodeURIComponent(roleSelect.value)}`);
    if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
    const { token: fresh, expiresAt } = await response.json();
    token = fresh;
    for (const widget of widgets()) {
      widget.setAttribute('api-base', location.origin);
      widget.setAttribute('context-token', token);
    }
    const expiresIn = Date.parse(expiresAt) - Date.now();
    tokenStatus.textContent = `Token (${roleSelect.value}) until ${new Date(expiresAt).toLocaleTimeString()}`;
    refreshTimer = setTimeout(refreshToken, Math.max(5_000, expiresIn - REFRESH_MARGIN_MS));
  } catch (error) {
    tokenStatus.textContent = `No token: ${error.message}`;
    refreshTimer = setTimeout(refreshToken, 10_000);
  }
}

async function loadClientChoices() {
  if (!token) return;
  const response = await fetch(`${location.origin}/api/v1/reconciliation/clients?sort=name&order=asc&limit=200`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  if (!response.ok) return;
  const { items } = await response.json();
  // The panel's client is the truth: after a drill-down the picker must not keep the previous one.
  const current = clientPanel().getAttribute('client-id') || clientSelect.value || '';
  const options = items.map((item) => new Option(item.name, item.clientId));
  if (current && !items.some((item) => item.clientId === current)) {
    // A client past the first page of names (or unmapped): still the one shown, so still the one picked.
    const detail = await fetch(`${location.origin}/api/v1/reconciliation/clients/${encodeURIComponent(current)}`, { headers: { Authorization: `Bearer ${token}` } });
    if (detail.ok) options.push(new Option((await detail.json()).name, current));
  }
  clientSelect.replaceChildren(new Option('Choose a client…', ''), ...options);
  clientSelect.value = current;
}

function route() {
  const [path, search = ''] = location.hash.replace(/^#/, '').split('?');
  const [page, clientId] = path.split('/');
  const name = PAGES.includes(page) ? page : 'dashboard';
  for (const section of document.querySelectorAll('main > section')) section.hidden = section.id !== `page-${name}`;
  for (const link of document.querySelectorAll('nav a')) {
    if (link.getAttribute('href') === `#${name}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (name === 'client') {
    if (clientId) {
      const id = decodeURIComponent(clientId);
      clientPanel().setAttribute('client-id', id);
      // Picked at once, not only once the names have loaded (the panel may render first).
      if (![...clientSelect.options].some((option) => option.value === id)) clientSelect.add(new Option('Loading…', id));
      clientSelect.value = id;
    }
    void loadClientChoices();
  }
  if (page === 'dashboard-list') {
    // The Home card's "N under-licensed" opens the list filtered to them.
    const list = document.getElementById('dashboard-list');
    list.setAttribute('status', new URLSearchParams(search).get('status') ?? '');
    list.scrollIntoView();
  }
}

document.addEventListener('b1r-client-select', (event) => {
  location.hash = `#client/${encodeURIComponent(event.detail.clientId)}`;
});
clientSelect.addEventListener('change', () => {
  if (clientSelect.value) location.hash = `#client/${encodeURIComponent(clientSelect.value)}`;
});
roleSelect.addEventListener('change', switchUser);
document.getElementById('theme-toggle').addEventListener('click', (event) => {
  const dark = document.body.classList.toggle('dark');
  document.body.classList.toggle('light', !dark);
  event.currentTarget.setAttribute('aria-pressed', String(dark));
  event.currentTarget.textContent = dark ? 'Light mode' : 'Dark mode';
});
window.addEventListener('hashchange', route);

for (const widget of widgets()) widget.setAttribute('api-base', location.origin);
await refreshToken();
route();
