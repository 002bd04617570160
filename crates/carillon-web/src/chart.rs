//! Bar charts drawn on the server as SVG: no script, no chart library in the browser. Each
//! series differs by pattern as well as colour (readable in greyscale and by people who do not
//! tell the colours apart), the chart has a `<title>` and `<desc>`, and the page shows the same
//! figures in a table beside it, so the chart is never the only way to read them.
//!
//! Only presentation attributes are used (`fill`, `stroke`), never `style`: the CSP forbids
//! inline styles.

use std::fmt::Write as _;

use carillon_domain::Language;
use carillon_i18n::format_number;

/// How a series is filled: each looks different without colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fill {
    Solid,
    Hatched,
    Dotted,
}

impl Fill {
    /// The GC Design System colour drawn with the fill.
    fn colour(self) -> &'static str {
        match self {
            Fill::Solid => "#26374a",
            Fill::Hatched => "#03662a",
            Fill::Dotted => "#d3080c",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Fill::Solid => "solid",
            Fill::Hatched => "hatched",
            Fill::Dotted => "dotted",
        }
    }
}

/// One series of bars: its label (in the page's language) and a value per category.
#[derive(Debug, Clone)]
pub(crate) struct Series {
    pub(crate) label: String,
    pub(crate) fill: Fill,
    pub(crate) values: Vec<u64>,
}

/// A grouped bar chart: for each category (a day, say), one bar per series.
#[derive(Debug, Clone)]
pub(crate) struct BarChart {
    /// Unique on the page: pattern and title ids are made from it.
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) categories: Vec<String>,
    pub(crate) series: Vec<Series>,
    pub(crate) language: Language,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 36.0;
/// The most category labels the x axis shows; with more, every n-th is labelled.
const MAX_LABELS: usize = 10;

/// A round step between axis ticks giving at most about five ticks up to `max`.
pub(crate) fn tick_step(max: u64) -> u64 {
    let rough = max.div_ceil(5).max(1);
    let mut magnitude = 1u64;
    while magnitude.saturating_mul(10) <= rough {
        magnitude *= 10;
    }
    [1, 2, 5, 10]
        .into_iter()
        .map(|m| magnitude.saturating_mul(m))
        .find(|step| *step >= rough)
        .unwrap_or(u64::MAX)
}

/// `text` safe inside an SVG element or attribute.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

impl BarChart {
    /// The chart as an `<svg>` element.
    pub(crate) fn to_svg(&self) -> String {
        let id = escape(&self.id);
        let max = self
            .series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .max()
            .unwrap_or(0);
        let step = tick_step(max);
        let top = max.div_ceil(step).max(1).saturating_mul(step);
        let mut svg = String::new();
        let _ = write!(
            svg,
            "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" \
             aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\">\
             <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
            escape(&self.title),
            escape(&self.description),
        );
        self.patterns(&mut svg, &id);
        self.axis(&mut svg, top, step);
        self.bars(&mut svg, &id, top);
        self.legend(&mut svg, &id);
        svg.push_str("</svg>");
        svg
    }

    fn patterns(&self, svg: &mut String, id: &str) {
        svg.push_str("<defs>");
        for fill in [Fill::Solid, Fill::Hatched, Fill::Dotted] {
            let colour = fill.colour();
            let name = fill.name();
            let _ = write!(
                svg,
                "<pattern id=\"{id}-{name}\" width=\"6\" height=\"6\" \
                 patternUnits=\"userSpaceOnUse\"><rect width=\"6\" height=\"6\" fill=\"{}\"/>",
                if fill == Fill::Solid { colour } else { "#fff" }
            );
            match fill {
                Fill::Solid => {}
                Fill::Hatched => {
                    let _ = write!(
                        svg,
                        "<path d=\"M0,6 L6,0 M-1,1 L1,-1 M5,7 L7,5\" stroke=\"{colour}\" \
                         stroke-width=\"2\"/>"
                    );
                }
                Fill::Dotted => {
                    let _ = write!(
                        svg,
                        "<circle cx=\"3\" cy=\"3\" r=\"1.6\" fill=\"{colour}\"/>"
                    );
                }
            }
            svg.push_str("</pattern>");
        }
        svg.push_str("</defs>");
    }

    fn axis(&self, svg: &mut String, top: u64, step: u64) {
        let plot = HEIGHT - TOP - BOTTOM;
        let mut tick = 0u64;
        while tick <= top {
            // Precision loss only past 2^53 messages, far beyond any count shown.
            #[allow(clippy::cast_precision_loss)]
            let y = HEIGHT - BOTTOM - plot * (tick as f64 / top as f64);
            let label = format_number(self.language, i64::try_from(tick).unwrap_or(i64::MAX));
            let _ = write!(
                svg,
                "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#b3b3b3\" \
                 stroke-width=\"1\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" \
                 font-size=\"12\" fill=\"#333\">{}</text>",
                WIDTH - RIGHT,
                LEFT - 6.0,
                y + 4.0,
                escape(&label)
            );
            tick = match tick.checked_add(step) {
                Some(next) => next,
                None => break,
            };
        }
    }

    fn bars(&self, svg: &mut String, id: &str, top: u64) {
        let count = self.categories.len().max(1);
        let plot = HEIGHT - TOP - BOTTOM;
        #[allow(clippy::cast_precision_loss)]
        let slot = (WIDTH - LEFT - RIGHT) / count as f64;
        let series = self.series.len().max(1);
        #[allow(clippy::cast_precision_loss)]
        let bar = slot * 0.8 / series as f64;
        let every = count.div_ceil(MAX_LABELS);
        for (i, category) in self.categories.iter().enumerate() {
            #[allow(clippy::cast_precision_loss)]
            let x0 = LEFT + slot * i as f64 + slot * 0.1;
            for (j, s) in self.series.iter().enumerate() {
                let value = s.values.get(i).copied().unwrap_or(0);
                #[allow(clippy::cast_precision_loss)]
                let height = plot * (value as f64 / top as f64);
                #[allow(clippy::cast_precision_loss)]
                let x = x0 + bar * j as f64;
                let _ = write!(
                    svg,
                    "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{height:.1}\" \
                     fill=\"url(#{id}-{})\" stroke=\"{}\" stroke-width=\"1\"/>",
                    HEIGHT - BOTTOM - height,
                    s.fill.name(),
                    s.fill.colour()
                );
            }
            if i % every == 0 {
                let _ = write!(
                    svg,
                    "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"12\" \
                     fill=\"#333\">{}</text>",
                    x0 + slot * 0.4,
                    HEIGHT - BOTTOM + 18.0,
                    escape(category)
                );
            }
        }
    }

    fn legend(&self, svg: &mut String, id: &str) {
        let mut x = LEFT;
        for s in &self.series {
            let _ = write!(
                svg,
                "<rect x=\"{x:.1}\" y=\"10\" width=\"16\" height=\"16\" fill=\"url(#{id}-{})\" \
                 stroke=\"{}\" stroke-width=\"1\"/><text x=\"{:.1}\" y=\"23\" font-size=\"13\" \
                 fill=\"#333\">{}</text>",
                s.fill.name(),
                s.fill.colour(),
                x + 22.0,
                escape(&s.label)
            );
            // Wide enough for a label of this length at 13 px.
            #[allow(clippy::cast_precision_loss)]
            let width = 40.0 + 7.5 * s.label.chars().count() as f64;
            x += width;
        }
    }
}

#[cfg(test)]
mod tests;
