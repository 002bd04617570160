//! The little of CBOR (RFC 8949) that WebAuthn needs: definite-length maps, arrays, byte and
//! text strings, integers and simple values, read from untrusted bytes.
//!
//! Hand-written rather than a general decoder so that no claimed length can make it allocate
//! more than the input holds, and nesting is bounded: arbitrary bytes give an error, never a
//! panic or a large allocation.

/// How deep maps and arrays may nest (a COSE key or an attestation object needs 3).
const MAX_DEPTH: usize = 8;

/// A decoded CBOR item. Strings borrow from the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value<'a> {
    /// Unsigned (major type 0) or negative (major type 1) integer.
    Int(i128),
    Bytes(&'a [u8]),
    Text(&'a str),
    Array(Vec<Value<'a>>),
    Map(Vec<(Value<'a>, Value<'a>)>),
    /// false, true, null, undefined and other simple values or floats (content ignored).
    Simple,
}

impl<'a> Value<'a> {
    /// The value under `key` in a map.
    pub(crate) fn get(&self, key: &Value<'_>) -> Option<&Value<'a>> {
        match self {
            Value::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub(crate) fn get_int(&self, key: i128) -> Option<&Value<'a>> {
        self.get(&Value::Int(key))
    }

    pub(crate) fn get_text(&self, key: &str) -> Option<&Value<'a>> {
        self.get(&Value::Text(key))
    }

    pub(crate) fn as_bytes(&self) -> Option<&'a [u8]> {
        match self {
            Value::Bytes(bytes) => Some(bytes),
            _ => None,
        }
    }

    pub(crate) fn as_int(&self) -> Option<i128> {
        match self {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }

    pub(crate) fn as_text(&self) -> Option<&'a str> {
        match self {
            Value::Text(text) => Some(text),
            _ => None,
        }
    }
}

/// Malformed or unsupported CBOR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CborError;

/// Reads one item from the start of `input`; returns it and the bytes after it.
pub(crate) fn read(input: &[u8]) -> Result<(Value<'_>, &[u8]), CborError> {
    let mut reader = Reader { input, pos: 0 };
    let value = reader.item(0)?;
    Ok((value, &input[reader.pos..]))
}

/// Reads exactly one item: trailing bytes are an error.
pub(crate) fn read_all(input: &[u8]) -> Result<Value<'_>, CborError> {
    match read(input)? {
        (value, []) => Ok(value),
        _ => Err(CborError),
    }
}

struct Reader<'a> {
    input: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], CborError> {
        let end = self.pos.checked_add(n).ok_or(CborError)?;
        let bytes = self.input.get(self.pos..end).ok_or(CborError)?;
        self.pos = end;
        Ok(bytes)
    }

    /// The argument of a head whose additional information is `info` (indefinite lengths,
    /// 28-31, are refused: authenticators use definite ones, as CTAP2 canonical CBOR requires).
    fn argument(&mut self, info: u8) -> Result<u64, CborError> {
        let size = match info {
            0..=23 => return Ok(u64::from(info)),
            24 => 1,
            25 => 2,
            26 => 4,
            27 => 8,
            _ => return Err(CborError),
        };
        Ok(self
            .take(size)?
            .iter()
            .fold(0u64, |n, b| (n << 8) | u64::from(*b)))
    }

    /// A count of items still to read, bounded by the bytes left (each item takes at least one).
    fn count(&mut self, info: u8, per_item: usize) -> Result<usize, CborError> {
        let n = usize::try_from(self.argument(info)?).map_err(|_| CborError)?;
        let left = self.input.len() - self.pos;
        if n.checked_mul(per_item).is_none_or(|needed| needed > left) {
            return Err(CborError);
        }
        Ok(n)
    }

    fn item(&mut self, depth: usize) -> Result<Value<'a>, CborError> {
        if depth > MAX_DEPTH {
            return Err(CborError);
        }
        let head = *self.take(1)?.first().ok_or(CborError)?;
        let (major, info) = (head >> 5, head & 0x1f);
        match major {
            0 => Ok(Value::Int(i128::from(self.argument(info)?))),
            1 => Ok(Value::Int(-1 - i128::from(self.argument(info)?))),
            2 => {
                let n = self.count(info, 1)?;
                Ok(Value::Bytes(self.take(n)?))
            }
            3 => {
                let n = self.count(info, 1)?;
                let bytes = self.take(n)?;
                Ok(Value::Text(
                    std::str::from_utf8(bytes).map_err(|_| CborError)?,
                ))
            }
            4 => {
                let n = self.count(info, 1)?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.item(depth + 1)?);
                }
                Ok(Value::Array(items))
            }
            5 => {
                let n = self.count(info, 2)?;
                let mut entries = Vec::with_capacity(n);
                for _ in 0..n {
                    let key = self.item(depth + 1)?;
                    let value = self.item(depth + 1)?;
                    entries.push((key, value));
                }
                Ok(Value::Map(entries))
            }
            // Tags: WebAuthn structures carry none.
            6 => Err(CborError),
            _ => {
                self.argument(info)?;
                Ok(Value::Simple)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reads_maps_strings_and_integers() {
        // {1: 2, 3: -7, "a": h'0102', "fmt": "none", "x": [true, null]}
        let bytes = [
            0xa5, 0x01, 0x02, 0x03, 0x26, 0x61, b'a', 0x42, 1, 2, 0x63, b'f', b'm', b't', 0x64,
            b'n', b'o', b'n', b'e', 0x61, b'x', 0x82, 0xf5, 0xf6,
        ];
        let value = read_all(&bytes).unwrap();
        assert_eq!(value.get_int(1), Some(&Value::Int(2)));
        assert_eq!(value.get_int(3).and_then(Value::as_int), Some(-7));
        assert_eq!(
            value.get_text("a").and_then(Value::as_bytes),
            Some(&[1u8, 2][..])
        );
        assert_eq!(value.get_text("fmt").and_then(Value::as_text), Some("none"));
        assert_eq!(
            value.get_text("x"),
            Some(&Value::Array(vec![Value::Simple, Value::Simple]))
        );
    }

    #[test]
    fn refuses_truncation_huge_lengths_deep_nesting_and_trailing_bytes() {
        assert_eq!(read_all(&[0x42, 1]), Err(CborError));
        // A byte string claiming 2^64-1 bytes, and a map claiming 2^32 entries.
        assert_eq!(
            read_all(&[0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
            Err(CborError)
        );
        assert_eq!(read_all(&[0xba, 0xff, 0xff, 0xff, 0xff]), Err(CborError));
        assert_eq!(read_all(&[0x81; 64]), Err(CborError));
        assert_eq!(read_all(&[0x01, 0x02]), Err(CborError));
        assert_eq!(read(&[0x01, 0x02]).unwrap(), (Value::Int(1), &[0x02u8][..]));
        // Indefinite lengths and tags.
        assert_eq!(read_all(&[0x5f, 0xff]), Err(CborError));
        assert_eq!(read_all(&[0xc0, 0x01]), Err(CborError));
    }
}
