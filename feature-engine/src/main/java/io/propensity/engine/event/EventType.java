package io.propensity.engine.event;

/** The kinds of shopper behaviour the engine understands, in funnel order where one exists. */
public enum EventType {
  /** Any page that is not a product page (home, listing, content). */
  PAGE_VIEW,
  /** A product detail page. */
  PRODUCT_VIEW,
  /** A site search. */
  SEARCH,
  /** An item put into the cart. */
  ADD_TO_CART,
  /** An item taken out of the cart. */
  REMOVE_FROM_CART,
  /** The checkout flow started. */
  BEGIN_CHECKOUT,
  /** An order was placed. */
  PURCHASE
}
