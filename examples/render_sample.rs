//! Renders the sample record (tests/fixtures) to a PDF and times the rendering.
//!
//! `cargo run --release --example render_sample -- /tmp/sample.pdf`

use std::time::Instant;

use dataskydd::document::{render_pdf, render_template, Attachment, Meta, Relationship};

const TEMPLATE: &str = include_str!("../tests/fixtures/sample_record.hbs");
const DATA: &str = include_str!("../tests/fixtures/sample_record.json");
const ANSWERS: &str = include_str!("../tests/fixtures/sample_answers.toml");

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: render_sample OUT.pdf");
        std::process::exit(2);
    };
    let data: serde_json::Value = serde_json::from_str(DATA).expect("sample data is JSON");
    let meta = Meta {
        title: "Dataskyddsbedömning av Sollentuna kommun – Kultur & fritid".into(),
        subject: "Bedömning av dataskyddet för ett konto i sociala medier".into(),
        author: "Åsa Öberg, dataskyddsombud".into(),
        keywords: vec![
            "dataskydd".into(),
            "sociala medier".into(),
            "Facebook".into(),
        ],
        lang: "sv".into(),
        creator: "dataskydd".into(),
        created: chrono::DateTime::parse_from_rfc3339("2026-11-25T10:30:00+01:00").unwrap(),
    };
    let attachments = vec![
        Attachment {
            name: "answers.toml".into(),
            mime: "application/toml".into(),
            description: "Svaren som bedömningen bygger på".into(),
            bytes: ANSWERS.as_bytes().to_vec(),
            relationship: Relationship::Source,
        },
        Attachment {
            name: "result.json".into(),
            mime: "application/json".into(),
            description: "Bedömningens resultat".into(),
            bytes: DATA.as_bytes().to_vec(),
            relationship: Relationship::Data,
        },
    ];

    let render = || {
        let markup = render_template(TEMPLATE, &data).expect("template renders");
        render_pdf(&markup, &meta, &attachments).expect("PDF renders")
    };
    let pdf = render(); // warm-up: parses the fonts once
    std::fs::write(&path, &pdf).expect("write the PDF");

    const N: u32 = 100;
    let mut times = Vec::with_capacity(N as usize);
    for _ in 0..N {
        let start = Instant::now();
        std::hint::black_box(render());
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    println!(
        "{path}: {} bytes, {} pages; per render (template + PDF, {N} runs): mean {mean:.2} ms, median {:.2} ms, fastest {:.2} ms",
        pdf.len(),
        pages(&pdf),
        times[times.len() / 2],
        times[0],
    );

    // Batch throughput on every core (what `assess --all` does).
    use rayon::prelude::*;
    const BATCH: usize = 600;
    let start = Instant::now();
    (0..BATCH).into_par_iter().for_each(|_| {
        std::hint::black_box(render());
    });
    let secs = start.elapsed().as_secs_f64();
    println!(
        "batch: {BATCH} renders on {} threads in {:.0} ms = {:.0} PDFs/s",
        rayon::current_num_threads(),
        secs * 1000.0,
        BATCH as f64 / secs
    );
}

fn pages(pdf: &[u8]) -> usize {
    lopdf::Document::load_mem(pdf).map_or(0, |d| d.get_pages().len())
}
