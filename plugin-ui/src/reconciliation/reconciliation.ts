import { ReconciliationElement } from './reconciliation.component.js';

export { ReconciliationElement };

/** Detail of `b1r-client-select`: the PanelOne organization id of the chosen client. */
export interface ClientSelectDetail {
  clientId: string;
}

if (!customElements.get('billingone-reconciliation')) {
  customElements.define('billingone-reconciliation', ReconciliationElement);
}

declare global {
  interface HTMLElementTagNameMap {
    'billingone-reconciliation': ReconciliationElement;
  }
  interface GlobalEventHandlersEventMap {
    'b1r-client-select': CustomEvent<ClientSelectDetail>;
  }
}
