import { ProductsElement } from './products.component.js';

export { ProductsElement };

if (!customElements.get('billingone-products')) customElements.define('billingone-products', ProductsElement);

declare global {
  interface HTMLElementTagNameMap {
    'billingone-products': ProductsElement;
  }
}
