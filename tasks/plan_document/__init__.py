"""A plan read from its own Word document (docs/plan-document.md).

- `source`: the .docx opened safely and flattened into paragraphs and tables; bad files refused in words.
- `words`: text folded for comparison (case, diacritics, spacing, abbreviations).
- `units`: names of bodies matched against the unit registry.
- `deadlines`: a deadline's words read into a deadline kind, saying when that is a guess.
- `reader`: the document's parts (header, basis documents, tasks, signer, Nơi nhận) as a `Draft`.
- `plan_file`: a draft and the administrator's choices as a plan file (docs/plan-files.md), which
  `tasks.services.plan_load` loads: one loader, one set of rules.
- `services`: `plan_document_read` and `plan_document_import`, what the command and the admin call.
"""
