//! One snapshot per row of GC Notify's email formatting table and per block type.

use crate::common::{render, show};

macro_rules! formatting {
    ($($name:ident: $body:expr, $values:expr;)*) => {$(
        #[test]
        fn $name() {
            insta::assert_snapshot!(show(&render("Subject", $body, $values)));
        }
    )*};
}

formatting! {
    heading_level_one: "# Heading\n\nText", &[];
    heading_level_two: "## Heading\n\nText", &[];
    heading_level_three_is_a_paragraph: "### Not a heading\n\nText", &[];
    setext_headings: "Title\n===\n\nSubtitle\n---\n\nText", &[];
    inset_text: "^ You must bring ((thing)).\ncontinued line\n\nAfter", &[("thing", "ID")];
    bullet_lists_with_all_markers: "* star\n- dash\n• bullet", &[];
    numbered_list: "1. first\n2. second\n3. third", &[];
    nested_lists: "* parent\n  * child\n    * grandchild\n* second\n  1. numbered child", &[];
    loose_list_items_get_paragraphs: "* one\n\n* two", &[];
    list_interrupts_a_paragraph: "You need:\n* a\n* b\nThanks", &[];
    horizontal_rule: "Above\n\n---\n\nBelow", &[];
    links_keep_safe_schemes_only: "[Web](https://canada.ca) [Mail](mailto:a@b.ca) [Call](tel:+16135550123) [Bad](javascript:alert(1)) [Data](data:text/html,x) [Titled](https://canada.ca \"Home\") [Wiki](https://en.wikipedia.org/wiki/Tax_(disambiguation))", &[];
    bare_urls_are_linked: "Go to https://www.canada.ca/en.html. Or http://example.gc.ca, now.", &[];
    bold_and_italic: "**bold** __bold__ *italic* _italic_ snake_case_name 2 * 3", &[];
    hard_line_breaks: "line one\nline two\n\nnew paragraph", &[];
    images_are_dropped: "Before ![logo](https://x.ca/logo.png) after", &[];
    tables_are_dropped_and_html_is_text: "| a | b |\n|---|---|\n| 1 | 2 |\n\n<b>not bold</b> <script>alert(1)</script>", &[];
    code_is_plain_text: "Use `code ((name))` here\n\n```\nfenced **not bold**\n```", &[("name", "Ada")];
    strikethrough_marks_are_dropped: "~~old~~ new", &[];
    backslash_escapes: "\\*not italic\\* and \\_plain\\_", &[];
    smart_typography: "\"Quoted\" and 'single' it's O'Brien's - 9 am - 5 pm , end . Email o'brien@example.ca", &[];
    placeholder_in_link_target: "[Reset your password](((link)))", &[("link", "https://example.ca/reset?t=abc&u=1")];
    placeholder_inside_bare_url: "Visit https://example.ca/r?token=((token)) today.", &[("token", "a b<c")];
    value_urls_are_linked: "Your link: ((link))", &[("link", "https://canada.ca/x.")];
    triple_parentheses: "Colour: (((colour)))", &[("colour", "blue")];
    conditional_inline: "Hello((vip??, valued client)).((other?? Hidden.))", &[("vip", "Oui"), ("other", "no")];
    conditional_multiline_with_list: "Intro\n((docs??Bring:\n* passport\n* photo))\nOutro", &[("docs", "yes")];
    list_value_becomes_a_list: "Documents:\n((docs))\nThank you.", &[("docs", "passport|birth certificate||photo")];
    list_value_inline_in_bold_is_prose: "**Bring ((docs))**", &[("docs", "a|b|c")];
    language_blocks: "[[en]]\nHello\n[[/en]]\n[[fr]]\nBonjour\n[[/fr]]", &[];
    rtl_block: "[[rtl]]\nمرحبا ((name))\n[[/rtl]]", &[("name", "Ada")];
    unbalanced_tags_stay_literal: "[[en]] Hello [[fr]] Bonjour [[/fr]]", &[];
    empty_value_removes_its_paragraph: "Before\n\n((optional))\n\nAfter", &[("optional", "")];
    values_cannot_inject: "Hi ((name))", &[("name", "<img src=x onerror=alert(1)> **bold** [x](javascript:y) # h ((other))")];
}
