// snorkel_nb LF code editor: CodeMirror 6 in an anywidget (bundled, offline).
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection }
  from "@codemirror/view";
import { EditorState, Prec } from "@codemirror/state";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { indentOnInput, bracketMatching, syntaxHighlighting, defaultHighlightStyle,
  indentUnit } from "@codemirror/language";
import { python } from "@codemirror/lang-python";

function render({ model, el }) {
  el.classList.add("snb-editor");
  // the code travels in the run message itself: state updates are throttled
  // (at most one in flight), so the latest "value" may still be buffered
  const run = () => {
    const value = view.state.doc.toString();
    model.set("value", value);
    model.save_changes();
    model.send({ type: "run", value });
    return true;
  };
  const runKeys = Prec.highest(keymap.of([
    { key: "Ctrl-Enter", run }, { key: "Shift-Enter", run }, { key: "Mod-Enter", run },
  ]));
  const push = EditorView.updateListener.of((u) => {
    if (u.docChanged) {
      model.set("value", u.state.doc.toString());
      model.save_changes();
    }
  });
  const view = new EditorView({
    parent: el,
    state: EditorState.create({
      doc: model.get("value"),
      extensions: [
        runKeys, lineNumbers(), history(), drawSelection(), highlightActiveLine(),
        indentOnInput(), bracketMatching(), indentUnit.of("    "),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        keymap.of([indentWithTab, ...defaultKeymap, ...historyKeymap]),
        python(), push,
        EditorView.theme({
          "&": { border: "1px solid #ccc", fontSize: "13px", background: "#fff" },
          ".cm-scroller": { fontFamily: "monospace", minHeight: model.get("height"),
            maxHeight: "420px", overflow: "auto" },
        }),
      ],
    }),
  });
  // the notebook must not see keys typed here (Shift+Enter would run the cell,
  // "a"/"b"/"dd" in command mode would add or delete cells)
  el.addEventListener("keydown", (e) => e.stopPropagation());
  const pull = () => {
    const v = model.get("value");
    if (v !== view.state.doc.toString()) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: v } });
    }
  };
  model.on("change:value", pull);
  return () => { model.off("change:value", pull); view.destroy(); };
}

export default { render };
