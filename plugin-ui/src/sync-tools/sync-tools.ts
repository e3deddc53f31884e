import { SyncToolsElement } from './sync-tools.component.js';

export { SyncToolsElement };

if (!customElements.get('billingone-sync-tools')) customElements.define('billingone-sync-tools', SyncToolsElement);

declare global {
  interface HTMLElementTagNameMap {
    'billingone-sync-tools': SyncToolsElement;
  }
}
