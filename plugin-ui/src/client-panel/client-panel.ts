import { ClientPanelElement } from './client-panel.component.js';

export { ClientPanelElement };

if (!customElements.get('billingone-client-panel')) customElements.define('billingone-client-panel', ClientPanelElement);

declare global {
  interface HTMLElementTagNameMap {
    'billingone-client-panel': ClientPanelElement;
  }
}
