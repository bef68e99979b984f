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
