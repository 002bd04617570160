//! The chart is well-formed SVG whatever the labels and values, its bars are in proportion
//! and inside the plot, and every series is told apart by its pattern.

use carillon_domain::Language;
use proptest::prelude::*;

use super::{BarChart, Fill, Series, tick_step};

fn chart(categories: Vec<String>, values: [Vec<u64>; 3], language: Language) -> BarChart {
    let [sent, delivered, failed] = values;
    BarChart {
        id: "week".to_owned(),
        title: "Messages <sent> & \"delivered\"".to_owned(),
        description: "Per day".to_owned(),
        categories,
        series: vec![
            Series {
                label: "Sent".to_owned(),
                fill: Fill::Solid,
                values: sent,
            },
            Series {
                label: "Delivered".to_owned(),
                fill: Fill::Hatched,
                values: delivered,
            },
            Series {
                label: "Failed".to_owned(),
                fill: Fill::Dotted,
                values: failed,
            },
        ],
        language,
    }
}

/// The bars (the `rect`s filled with a pattern, outside the legend) as (height, pattern).
fn bars(svg: &str) -> Vec<(f64, String)> {
    let document = roxmltree::Document::parse(svg).expect("well-formed SVG");
    document
        .descendants()
        .filter(|n| {
            n.has_tag_name("rect") && n.attribute("fill").is_some_and(|f| f.starts_with("url("))
        })
        .filter(|n| n.attribute("y") != Some("10"))
        .map(|n| {
            let height: f64 = n.attribute("height").unwrap().parse().unwrap();
            (height, n.attribute("fill").unwrap().to_owned())
        })
        .collect()
}

#[test]
fn a_week_draws_one_bar_per_day_and_series_with_a_title_and_description() {
    let days: Vec<String> = (1..=7).map(|d| format!("Dec {d}")).collect();
    let values = [
        vec![10, 20, 0, 5, 7, 8, 40],
        vec![9, 20, 0, 5, 7, 8, 39],
        vec![1, 0, 0, 0, 0, 0, 1],
    ];
    let svg = chart(days, values, Language::English).to_svg();
    let document = roxmltree::Document::parse(&svg).unwrap();
    let root = document.root_element();
    assert_eq!(root.attribute("role"), Some("img"));
    assert_eq!(
        root.attribute("aria-labelledby"),
        Some("week-title week-desc")
    );
    let title = document
        .descendants()
        .find(|n| n.has_tag_name("title"))
        .unwrap();
    assert_eq!(title.text(), Some("Messages <sent> & \"delivered\""));
    assert!(
        document
            .descendants()
            .any(|n| n.has_tag_name("desc") && n.text() == Some("Per day"))
    );
    let drawn = bars(&svg);
    assert_eq!(drawn.len(), 21);
    // The tallest bar is the largest value (40 on the last day), a zero draws nothing.
    let tallest = drawn.iter().map(|b| b.0).fold(0.0, f64::max);
    assert_eq!(drawn[18].0, tallest);
    assert_eq!(drawn[6].0, 0.0);
    assert!(svg.contains(">Dec 7<"), "every day labelled");
    assert!(
        !svg.contains("style="),
        "no inline style: the CSP forbids it"
    );
}

#[test]
fn the_series_differ_by_pattern_and_every_pattern_is_defined() {
    let svg = chart(
        vec!["a".into()],
        [vec![3], vec![2], vec![1]],
        Language::English,
    )
    .to_svg();
    let document = roxmltree::Document::parse(&svg).unwrap();
    let defined: Vec<String> = document
        .descendants()
        .filter(|n| n.has_tag_name("pattern"))
        .map(|n| format!("url(#{})", n.attribute("id").unwrap()))
        .collect();
    let fills: Vec<String> = bars(&svg).into_iter().map(|b| b.1).collect();
    assert_eq!(fills.len(), 3);
    for fill in &fills {
        assert!(defined.contains(fill), "{fill} defined");
    }
    fills
        .iter()
        .enumerate()
        .for_each(|(i, f)| assert!(!fills[i + 1..].contains(f), "distinct"));
}

#[test]
fn french_ticks_use_french_number_formatting() {
    let svg = chart(
        vec!["1 déc.".into()],
        [vec![12_000], vec![0], vec![0]],
        Language::French,
    )
    .to_svg();
    assert!(svg.contains(">10\u{a0}000<"), "{svg}");
    let svg = chart(
        vec!["Dec 1".into()],
        [vec![12_000], vec![0], vec![0]],
        Language::English,
    )
    .to_svg();
    assert!(svg.contains(">10,000<"), "{svg}");
}

#[test]
fn thirty_days_label_at_most_ten_of_them_and_nothing_sent_still_draws_an_axis() {
    let days: Vec<String> = (1..=30).map(|d| format!("d{d}")).collect();
    let svg = chart(
        days,
        [vec![0; 30], vec![0; 30], vec![0; 30]],
        Language::English,
    )
    .to_svg();
    let labels = (1..=30)
        .filter(|d| svg.contains(&format!(">d{d}<")))
        .count();
    assert!((3..=10).contains(&labels), "{labels}");
    assert!(bars(&svg).iter().all(|b| b.0 == 0.0));
    assert!(
        svg.contains(">0<") && svg.contains(">1<"),
        "an axis from 0 to 1"
    );
}

proptest! {
    #[test]
    fn tick_steps_are_round_and_give_at_most_six_ticks(max in 0u64..u64::MAX / 20) {
        let step = tick_step(max);
        let mut mantissa = step;
        while mantissa.is_multiple_of(10) { mantissa /= 10; }
        prop_assert!([1, 2, 5].contains(&mantissa), "{step}");
        prop_assert!(max.div_ceil(step) <= 5, "{max} {step}");
    }

    #[test]
    fn any_labels_and_values_give_well_formed_proportional_bars(
        labels in prop::collection::vec("\\PC{0,12}", 1..35),
        seed in prop::collection::vec(0u64..5_000_000, 3 * 35),
    ) {
        let n = labels.len();
        let values = [seed[..n].to_vec(), seed[35..35 + n].to_vec(), seed[70..70 + n].to_vec()];
        let all: Vec<u64> = values.iter().flat_map(|v| v.iter().copied()).collect();
        let svg = chart(labels, values, Language::French).to_svg();
        let drawn = bars(&svg);
        prop_assert_eq!(drawn.len(), 3 * n);
        let plot = super::HEIGHT - super::TOP - super::BOTTOM;
        // Bars are drawn day by day, series by series: the same order as `all` transposed.
        for (k, (height, _)) in drawn.iter().enumerate() {
            let (day, series) = (k / 3, k % 3);
            let value = all[series * n + day];
            prop_assert!(*height >= 0.0 && *height <= plot + 0.05);
            for (k2, (other, _)) in drawn.iter().enumerate() {
                let v2 = all[(k2 % 3) * n + k2 / 3];
                if value > v2 { prop_assert!(height >= other, "{value} vs {v2}"); }
            }
        }
    }
}
