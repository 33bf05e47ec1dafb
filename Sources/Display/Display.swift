// Display turns data into MIME bundles a notebook can show: charts as SVG and PNG, tables as
// HTML, Markdown and plain text, always with a `text/plain` fallback.
//
// How it fits together:
// - `Canvas` is the one drawing interface. `SVGCanvas` writes markup; `PNGCanvas` draws with
//   cairo. Both measure text with cairo (`TextMeasurer`), so layouts agree.
// - A `Chart` draws itself once onto a canvas; `svg()`, `png()` and `mimeBundle()` come free.
//   `Axes`, `Scale`, `Legend` and `ChartDecoration` hold the layout every chart shares.
// - Tables are `RecordTable` values; `TensorTable`, `ModelSummary` and `TrainingProgress`
//   build them from plain numbers.
// - Everything takes plain Swift data (`[Double]`, `[[Double]]`, `[Int]` labels), so the
//   bindings for tensors and models only reshape their values into these inputs.
// - `Gallery` holds one example of every kind, for the gallery executable and golden tests.
