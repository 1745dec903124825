import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export type TimeSeries = { label: string; values: number[]; color: string; style: "bars" | "line" };

/**
 * Figures over time, drawn by uPlot (small, fast canvas charts) in the venue's time zone.
 * Canvas says nothing to a screen reader: pages show the same figures as a table too.
 */
export function TimeChart({
  title,
  times,
  series,
  timezone,
  height = 240,
}: {
  title: string;
  times: Date[];
  series: TimeSeries[];
  timezone: string;
  height?: number;
}) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    // A bar covers its hour: drawn from the hour's start to the right, the scale one hour wider
    // when there are bars. Counts start at zero.
    const bars = uPlot.paths.bars!({ size: [0.8, 40], align: 1 });
    const hourLabel = new Intl.DateTimeFormat(undefined, { timeZone: timezone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    const dayLabel = new Intl.DateTimeFormat(undefined, { timeZone: timezone, day: "numeric", month: "short" });
    // Night-shift staff read 24-hour clocks; midnight names the day instead.
    const tick = (seconds: number) => {
      const at = new Date(seconds * 1000);
      const clock = hourLabel.format(at);
      return clock === "00:00" ? dayLabel.format(at) : clock;
    };
    const plot = new uPlot(
      {
        width: element.clientWidth,
        height,
        tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), timezone),
        scales: {
          x: { time: true, range: (_, min, max) => [min, series.some((line) => line.style === "bars") ? max + 3600 : max] },
          y: { range: (_, _min, max) => [0, Math.max(1, max)] },
        },
        axes: [
          { stroke: "#334155", values: (_, splits) => splits.map(tick) },
          { stroke: "#334155", grid: { stroke: "#e2e8f0" } },
        ],
        series: [
          {},
          ...series.map((line) => ({
            label: line.label,
            stroke: line.color,
            width: line.style === "bars" ? 0 : 2,
            fill: line.style === "bars" ? line.color : undefined,
            paths: line.style === "bars" ? bars : undefined,
            points: { show: false },
          })),
        ],
      },
      [times.map((time) => time.getTime() / 1000), ...series.map((line) => line.values)],
      element,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: element.clientWidth, height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [times, series, timezone, height]);
  return <div ref={container} role="img" aria-label={title} className="w-full" />;
}
