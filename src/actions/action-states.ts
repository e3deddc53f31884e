// The vocabulary of actions: their types, the states of an action and of its items, and the
// codes of a preview's warnings. Shared by the DTOs, the service and the executor.

export const ACTION_TYPES = ['pax8-quantity', 'psa-quantity'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/** An item's states; an action's state follows its items (see actionStateOf). */
export const ACTION_STATES = ['proposed', 'approved', 'applying', 'applied', 'failed', 'conflict', 'cancelled', 'scheduled'] as const;
export type ActionState = (typeof ACTION_STATES)[number];

/** Item states after which nothing more happens to it. */
export const FINAL_STATES: readonly ActionState[] = ['applied', 'failed', 'conflict', 'cancelled'];
/** Item states that keep its gap `action-pending`. */
export const PENDING_STATES: readonly ActionState[] = ['proposed', 'approved', 'applying', 'scheduled'];

export const WARNING_CODES = ['pending-order', 'decrease-at-renewal', 'above-seat-cap', 'above-money-cap', 'not-monthly', 'unpriced'] as const;
export type WarningCode = (typeof WARNING_CODES)[number];

/** Largest quantity a proposal may ask for (Pax8's own bound is far below what a client has). */
export const MAX_TO_QUANTITY = 100_000;
