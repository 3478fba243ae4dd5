"use client";
// Speaking through React Flow's own live region (the one that reports keyboard moves), and moving
// focus to a node once React Flow has drawn it.
import { useCallback } from "react";
import { useStoreApi } from "@xyflow/react";

/** Say a sentence in the canvas's live region. The same sentence twice is still read twice. */
export function useAnnounce() {
  const store = useStoreApi();
  return useCallback(
    (message: string) => {
      const cur = store.getState().ariaLiveMessage;
      store.setState({ ariaLiveMessage: cur === message ? `${message}\u00a0` : message });
    },
    [store],
  );
}

/**
 * Focus a node's element once it is in the DOM and measured: React Flow draws a new node hidden until
 * it knows its size, and a hidden element cannot take focus. Gives up after about half a second.
 */
export function focusNodeWhenDrawn(id: string, tries = 30) {
  const el = document.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(id)}"]`);
  if (el && el.offsetParent !== null && getComputedStyle(el).visibility !== "hidden") {
    el.focus();
    if (document.activeElement === el) return;
  }
  if (tries > 0) requestAnimationFrame(() => focusNodeWhenDrawn(id, tries - 1));
}

/** Focus the first field of a container once it has rendered (the inspector after a selection). */
export function focusFirstFieldWhenDrawn(container: () => HTMLElement | null, tries = 30) {
  const el = container()?.querySelector<HTMLElement>("input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])");
  if (el) {
    el.focus();
    return;
  }
  if (tries > 0) requestAnimationFrame(() => focusFirstFieldWhenDrawn(container, tries - 1));
}
