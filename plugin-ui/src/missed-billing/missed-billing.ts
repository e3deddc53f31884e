import { MissedBillingElement } from './missed-billing.component.js';

export { MissedBillingElement };

if (!customElements.get('billingone-missed-billing')) customElements.define('billingone-missed-billing', MissedBillingElement);

declare global {
  interface HTMLElementTagNameMap {
    'billingone-missed-billing': MissedBillingElement;
  }
}
