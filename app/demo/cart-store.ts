// The storefront's cart, kept in localStorage (a demo needs no server-side cart).
"use client";
import { useSyncExternalStore } from "react";

export type CartLine = { id: string; name: string; price: number; qty: number };
const KEY = "demo_cart";
const listeners = new Set<() => void>();
let cache: { raw: string | null; lines: CartLine[] } = { raw: null, lines: [] };

function read(): CartLine[] {
  const raw = typeof localStorage === "undefined" ? null : localStorage.getItem(KEY);
  if (raw !== cache.raw) {
    try {
      cache = { raw, lines: raw ? (JSON.parse(raw) as CartLine[]) : [] };
    } catch {
      cache = { raw, lines: [] };
    }
  }
  return cache.lines;
}

function write(lines: CartLine[]) {
  localStorage.setItem(KEY, JSON.stringify(lines));
  listeners.forEach((l) => l());
}

export function addToCart(item: Omit<CartLine, "qty">) {
  const lines = read().slice();
  const line = lines.find((l) => l.id === item.id);
  if (line) lines[lines.indexOf(line)] = { ...line, qty: line.qty + 1 };
  else lines.push({ ...item, qty: 1 });
  write(lines);
}

export function clearCart() {
  write([]);
}

const EMPTY: CartLine[] = [];

export function useCart(): CartLine[] {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    read,
    () => EMPTY,
  );
}
