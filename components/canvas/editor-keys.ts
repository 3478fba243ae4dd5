"use client";
// The editor's keyboard map (the shortcuts help lists the same keys).
import { useEffect } from "react";
import { useEditorApi } from "./editor-store";
import type { EditorCommands } from "./editor-commands";

const isTyping = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName));

export function useEditorKeys(cmd: EditorCommands, readOnly: boolean, ui: { toggleHelp: () => void; closePopups: () => void }) {
  const store = useEditorApi();
  const { toggleHelp, closePopups } = ui;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target)) return;
      const api = store.getState();
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === "z" && !readOnly) {
        e.preventDefault();
        if (e.shiftKey) cmd.redo();
        else cmd.undo();
      } else if (mod && key === "y" && !readOnly) {
        e.preventDefault();
        cmd.redo();
      } else if (mod && key === "c") {
        if (api.copy()) e.preventDefault();
      } else if (mod && key === "v") {
        e.preventDefault();
        if (!readOnly) api.paste();
      } else if (mod && key === "d") {
        e.preventDefault();
        if (!readOnly && api.copy()) api.paste();
      } else if (mod && key === "a") {
        e.preventDefault();
        api.select(api.doc.nodes.map((n) => n.id));
      } else if (mod && key === "s") {
        e.preventDefault();
        void api.save();
      } else if (!mod && e.key === "?") {
        toggleHelp();
      } else if (!mod && e.shiftKey && key === "l" && !readOnly) {
        void cmd.autoLayout();
      } else if (!mod && !e.shiftKey && key === "f") {
        cmd.fit();
      } else if (e.key === "Escape") {
        closePopups();
        api.select([]);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [store, cmd, readOnly, toggleHelp, closePopups]);
}
