// The gradient check of the current network on the last batch: each parameter's analytic
// gradient (backprop) beside the numeric one (central differences), with kinks explained.

import { num } from "./format.js";

export function renderGradcheck(root, report) {
  root.hidden = false;
  const rows = Array.isArray(report?.rows) ? report.rows : [];
  const summary = root.querySelector("#gradcheck-summary");
  const failed = rows.filter((r) => !r.ok).length;
  const kinks = rows.filter((r) => r.kink).length;
  const good = report?.passed || (report?.passed_but_for_kinks && failed === 0);
  summary.textContent = report?.passed
    ? `Passed: all ${rows.length} gradients agree with finite differences.`
    : good
      ? `Passed but for kinks: every gradient agrees except where the function has a corner.`
      : `${failed} of ${rows.length} gradients disagree with finite differences.`;
  if (kinks) {
    summary.textContent += ` ${kinks} sit${kinks === 1 ? "s" : ""} on a kink (ReLU at 0, L1 at 0): there the slopes on the two sides differ, the numeric estimate averages them, and backprop takes one side, so a mismatch is expected, not a bug.`;
  }
  summary.className = good ? "passed" : "failed";
  const table = root.querySelector("#gradcheck-table");
  table.replaceChildren();
  const head = document.createElement("tr");
  for (const title of ["parameter", "backprop", "finite differences", "abs. error", "rel. error", ""]) {
    const th = document.createElement("th");
    th.textContent = title;
    head.appendChild(th);
  }
  table.appendChild(head);
  for (const r of rows) {
    const tr = document.createElement("tr");
    tr.className = r.ok ? "ok" : "bad";
    tr.dataset.name = r.name;
    tr.dataset.analytic = r.analytic;
    tr.dataset.numeric = r.numeric;
    // Relative to a slope of 0 the error is abs/tiny, a number like 1e+295 that means
    // nothing: there the row shows a dash, and the absolute error decides.
    const relative = r.numeric === 0 ? "\u2013" : num(r.rel_error, 2);
    const cells = [r.name, num(r.analytic, 6), num(r.numeric, 6), num(r.abs_error, 2), relative, r.kink ? "kink" : r.ok ? "\u2713" : "\u2717"];
    cells.forEach((text, i) => {
      const td = document.createElement("td");
      td.textContent = text;
      if (i > 0 && i < 5) td.className = "number";
      tr.appendChild(td);
    });
    table.appendChild(tr);
  }
}
