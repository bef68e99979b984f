/**
 * Where the trigger and the card go: beside the selection, always inside the viewport, flipped
 * above/below at the edges. On touch devices the native selection menu sits above the selection,
 * so there we prefer below the last line and never cover the area just above the first.
 */
export interface Box {
  top: number;
  left: number;
}

const GAP = 8;
const MARGIN = 4;

const clamp = (value: number, min: number, max: number) => Math.max(min, Math.min(value, Math.max(min, max)));

/**
 * Viewport coordinates for a `width`×`height` box next to the selection whose first and last line
 * rectangles are given. `touch` selects the touch-friendly preference.
 */
export function placeNear(first: DOMRect, last: DOMRect, width: number, height: number, touch: boolean): Box & { flipped: boolean } {
  const vw = document.documentElement.clientWidth || innerWidth;
  const vh = document.documentElement.clientHeight || innerHeight;
  const above = first.top - GAP - height;
  const below = last.bottom + GAP;
  // Mouse and keyboard: above the start of the selection, like the Hypothesis adder; touch: below.
  const preferBelow = touch;
  const fitsAbove = above >= MARGIN;
  const fitsBelow = below + height <= vh - MARGIN;
  const useBelow = preferBelow ? fitsBelow || !fitsAbove : !fitsAbove && fitsBelow;
  const anchorX = useBelow ? last.right : first.left;
  const top = clamp(useBelow ? below : above, MARGIN, vh - height - MARGIN);
  const left = clamp(useBelow ? anchorX - width / 2 : anchorX, MARGIN, vw - width - MARGIN);
  return { top, left, flipped: useBelow !== preferBelow };
}

/** Where the card goes: a box in viewport coordinates with the height it may take, or a sheet. */
export interface CardPlace {
  top: number;
  left: number;
  maxHeight: number;
  /** Below NARROW px: a sheet across the bottom (or the top, when the selection sits low). */
  sheet?: 'bottom' | 'top';
}

/** Narrower than this, the card is a sheet: a 26rem card beside a selection leaves no room on a phone. */
export const NARROW = 600;
/** A floating card is at most 32rem tall (it scrolls inside): taller, it stops reading as a note beside the text. */
const CARD_MAX = 512;
/** A sheet takes at most 70 % of the screen, so the page keeps a visible strip around the selection. */
const SHEET_MAX = 0.7;

/**
 * A `width`×`height` card next to the selection box `sel` (viewport coordinates), never over its
 * visible part, always inside the viewport: below it, else above, else beside it (right, then
 * left), else in the larger band above or below with its height cut to fit (the card scrolls).
 * Below NARROW px wide, a sheet along the edge away from the selection, as high as leaves it clear.
 */
export function placeCard(sel: { top: number; bottom: number; left: number; right: number }, width: number, natural: number): CardPlace {
  const vw = document.documentElement.clientWidth || innerWidth;
  const vh = document.documentElement.clientHeight || innerHeight;
  const height = Math.min(natural, CARD_MAX);
  // Only the visible part of the selection can be covered; a selection scrolled away leaves the whole viewport.
  const top = clamp(sel.top, 0, vh);
  const bottom = clamp(sel.bottom, top, vh);
  const below = vh - MARGIN - bottom - GAP;
  const above = top - GAP - MARGIN;
  if (vw < NARROW) {
    const low = below >= Math.min(height, vh * 0.4) || below >= above;
    return { top: 0, left: 0, sheet: low ? 'bottom' : 'top', maxHeight: Math.max(0, Math.min(vh * SHEET_MAX, (low ? vh - bottom : top) - GAP)) };
  }
  const x = clamp(sel.left, MARGIN, vw - width - MARGIN);
  if (height <= below) return { top: bottom + GAP, left: x, maxHeight: height };
  if (height <= above) return { top: top - GAP - height, left: x, maxHeight: height };
  const y = clamp(top, MARGIN, vh - height - MARGIN);
  const full = Math.min(height, vh - 2 * MARGIN);
  if (width <= vw - MARGIN - sel.right - GAP) return { top: y, left: sel.right + GAP, maxHeight: full };
  if (width <= sel.left - GAP - MARGIN) return { top: y, left: sel.left - GAP - width, maxHeight: full };
  return below >= above ? { top: bottom + GAP, left: x, maxHeight: below } : { top: MARGIN, left: x, maxHeight: above };
}
