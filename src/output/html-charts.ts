// Bar charts for the HTML report: vega-lite specs compiled to vega and rendered to SVG here, at
// report time, so the report needs no script and no network to show them.
import * as vega from "vega";
import * as vl from "vega-lite";

export interface BarDatum {
  label: string;
  count: number;
}

export interface BarChartOptions {
  /** Title of the quantitative axis. */
  axisTitle: string;
  /** Bar colour. */
  color?: string;
  width?: number;
}

/** A horizontal bar chart (largest first) with the count printed at the end of each bar. */
export async function barChartSvg(data: readonly BarDatum[], opts: BarChartOptions): Promise<string> {
  const spec: vl.TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    data: { values: data.map((d) => ({ label: d.label, count: d.count })) },
    width: opts.width ?? 360,
    height: { step: 20 },
    background: "white",
    // Room for the count printed past the longest bar.
    padding: { left: 5, top: 5, bottom: 5, right: 36 },
    encoding: {
      y: { field: "label", type: "nominal", sort: { field: "count", order: "descending" }, title: null },
      x: {
        field: "count",
        type: "quantitative",
        title: opts.axisTitle,
        axis: { format: "d", tickMinStep: 1 },
      },
    },
    layer: [
      { mark: { type: "bar", color: opts.color ?? "#4c78a8" } },
      { mark: { type: "text", align: "left", baseline: "middle", dx: 3, fontSize: 11 }, encoding: { text: { field: "count", type: "quantitative" } } },
    ],
  };
  // vega-lite and vega warn on the console by default; a library import never prints.
  const compiled = vl.compile(spec, { logger: vega.logger(vega.None) }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none", logLevel: vega.None });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
