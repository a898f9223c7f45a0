"""The core: plain values, the sheets' readers, scoring, conflicts, the review plan and the
Review's layout. It never sees a spreadsheet library, click or the garbage collector: the
file and the live Excel book are adapters around it."""
