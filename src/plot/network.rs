//! What every input and every neuron of a network computes over the plane, one small map
//! each, as the Playground draws its network.

use std::fmt::Write as _;

use super::svg::{Frame, check_grid, escape, num, shade, svg_open, svg_title, text_width, wrap};
use super::{Bounds, cell_centre};
use crate::Error;
use crate::nn::{Activation, Forward, Layer, Mlp};

/// Size, resolution and view of each small map in [`network_maps_svg`].
///
/// The default is 100 × 100 px maps of 40 × 40 cells over [`Bounds::PLAYGROUND`].
///
/// ```
/// let o = tapegrad::plot::NetworkMapOptions::default();
/// assert_eq!((o.size, o.cells), (100, 40));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NetworkMapOptions {
    /// Side of each square map in pixels.
    pub size: u32,
    /// Cells per side of each map.
    pub cells: usize,
    /// The part of the plane shown.
    pub bounds: Bounds,
}

impl Default for NetworkMapOptions {
    fn default() -> Self {
        NetworkMapOptions {
            size: 100,
            cells: 40,
            bounds: Bounds::PLAYGROUND,
        }
    }
}

/// What every input and every neuron of a network computes over the plane, one small map
/// each, as the TensorFlow Playground draws its network: a row for the inputs, then a row
/// per layer, the last one the output. This is the view that shows *how* a network draws its
/// boundary: each first-layer neuron splits the plane along a line, and each later neuron
/// mixes the maps of the row above.
///
/// A point (x, y) of the plane enters the network as `features(x, y)`, named `inputs` in the
/// first row (for plain coordinates, `|x, y| vec![x, y]` and `&["x", "y"]`). Every map is
/// shaded as [`decision_boundary_svg`] shades the score: orange at −1, grey at 0, blue at +1,
/// clamped beyond (a relu's large outputs are all full blue). An input's map is first divided
/// by its largest magnitude over the view, so that `x` runs from full orange at the left edge
/// to full blue at the right, as in the Playground.
///
/// [`decision_boundary_svg`]: super::decision_boundary_svg
///
/// ```
/// use rand::{SeedableRng, rngs::StdRng};
/// use tapegrad::nn::{Activation::Tanh, Init, Mlp};
/// use tapegrad::plot::{network_maps_svg, NetworkMapOptions};
///
/// let model = Mlp::new(2, &[3, 1], Tanh, Tanh, Init::Playground, &mut StdRng::seed_from_u64(1))?;
/// let svg = network_maps_svg(
///     &model, &["x", "y"], |x, y| vec![x, y], "2 → 3 → 1", &NetworkMapOptions::default(),
/// )?;
/// // A frame per map: 2 inputs, 3 hidden neurons, 1 output.
/// assert_eq!(svg.matches(r##"fill="none" stroke="#333333""##).count(), 2 + 3 + 1);
/// assert!(svg.contains(">layer 1: 3 tanh</text>") && svg.contains(">output: tanh</text>"));
/// # Ok::<(), tapegrad::Error>(())
/// ```
///
/// # Errors
/// [`Error::InputSize`] if `inputs` or what `features` returns does not have one entry per
/// input of `model`; [`Error::NonFiniteInput`] if `features` returns NaN or an infinity, or
/// a layer's outputs overflow.
///
/// # Panics
/// If `size` or `cells` is 0, or the bounds are not finite with min < max (width and
/// height included).
pub fn network_maps_svg<F>(
    model: &Mlp,
    inputs: &[&str],
    features: F,
    title: &str,
    options: &NetworkMapOptions,
) -> Result<String, Error>
where
    F: Fn(f64, f64) -> Vec<f64>,
{
    let NetworkMapOptions {
        size,
        cells,
        bounds,
    } = *options;
    check_grid("network_maps_svg", size, cells, &bounds);
    if inputs.len() != model.nin() {
        return Err(Error::InputSize {
            expected: model.nin(),
            got: inputs.len(),
        });
    }
    // values[row][unit][cell]: row 0 the inputs, row l + 1 layer l's outputs.
    let layers = model.layers();
    let mut values: Vec<Vec<Vec<f64>>> = std::iter::once(inputs.len())
        .chain(layers.iter().map(|l| l.nout()))
        .map(|n| vec![vec![0.0; cells * cells]; n])
        .collect();
    for cell in 0..cells * cells {
        let (x, y) = cell_centre(&bounds, cells, cells, cell % cells, cell / cells);
        let mut acts = features(x, y);
        if acts.len() != inputs.len() {
            return Err(Error::InputSize {
                expected: inputs.len(),
                got: acts.len(),
            });
        }
        for (row, layer) in values
            .iter_mut()
            .zip(std::iter::once(None).chain(layers.iter().map(Some)))
        {
            if let Some(layer) = layer {
                acts = layer.predict(&acts)?;
            }
            for (unit, &a) in row.iter_mut().zip(&acts) {
                unit[cell] = a;
            }
        }
    }

    for input in &mut values[0] {
        let largest = input.iter().fold(0.0, |m: f64, v| m.max(v.abs()));
        if largest > 0.0 && largest.is_finite() {
            input.iter_mut().for_each(|v| *v /= largest);
        }
    }

    let side = f64::from(size);
    let names: Vec<String> = (0..values.len())
        .map(|r| match r {
            0 => "inputs".to_string(),
            r if r == layers.len() => format!("output: {}", layer_activation(&layers[r - 1])),
            r => format!(
                "layer {r}: {} {}",
                layers[r - 1].nout(),
                layer_activation(&layers[r - 1])
            ),
        })
        .collect();
    let caption = |r: usize, k: usize| {
        if r == 0 {
            inputs[k].to_string()
        } else {
            format!("neuron {}", k + 1)
        }
    };
    // Room for the longest row name on the left, and for the widest caption under each map.
    let label_width = names
        .iter()
        .map(|n| text_width(n, 12.0) + 16.0)
        .fold(120.0, f64::max);
    let column = values
        .iter()
        .enumerate()
        .flat_map(|(r, row)| (0..row.len()).map(move |k| (r, k)))
        .map(|(r, k)| text_width(&caption(r, k), 11.0))
        .fold(side, f64::max);
    let (gap, row_height) = (12.0, side + 34.0);
    let widest = values.iter().map(Vec::len).max().unwrap_or(0) as f64;
    let width = (label_width + widest * (column + gap) + 8.0).max(260.0);
    let subtitle = format!(
        "orange -1, grey 0, blue +1: each map is one value over [{}, {}] × [{}, {}] (inputs \
         scaled to ±1)",
        num(bounds.x_min),
        num(bounds.x_max),
        num(bounds.y_min),
        num(bounds.y_max)
    );
    let subtitle = wrap(&subtitle, width - 16.0, 12.0);
    let mut header = String::new();
    let title_below = svg_title(&mut header, width / 2.0, 25.0, title, width - 16.0);
    let first_row = 48.0 + title_below + 16.0 * subtitle.len() as f64;
    let mut out = String::new();
    svg_open(
        &mut out,
        width,
        first_row + row_height * values.len() as f64,
    );
    out.push_str(&header);
    for (k, line) in subtitle.iter().enumerate() {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555555\">{}</text>",
            num(width / 2.0),
            num(44.0 + title_below + 16.0 * k as f64),
            escape(line)
        );
    }
    for (r, row) in values.iter().enumerate() {
        let top = first_row + row_height * r as f64;
        let _ = writeln!(
            out,
            "<text x=\"8\" y=\"{}\">{}</text>",
            num(top + side / 2.0 + 4.0),
            escape(&names[r])
        );
        for (k, unit) in row.iter().enumerate() {
            let frame = Frame {
                left: label_width + k as f64 * (column + gap) + (column - side) / 2.0,
                top,
                width: side,
                height: side,
            };
            shade(&mut out, &frame, cells, |col, row| unit[row * cells + col]);
            frame.draw_box(&mut out);
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11\">{}</text>",
                num(frame.left + side / 2.0),
                num(top + side + 14.0),
                escape(&caption(r, k))
            );
        }
    }
    out.push_str("</svg>\n");
    Ok(out)
}

/// A layer's activation's name, or `mixed` if its neurons differ.
fn layer_activation(layer: &Layer) -> &'static str {
    layer.activation().map_or("mixed", Activation::name)
}
