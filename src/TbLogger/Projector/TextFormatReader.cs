using System.Globalization;
using System.Text;
using Google.Protobuf.Collections;

namespace TbLogger.Projector;

/// <summary>A small tokenizer for protobuf text format, enough for ProjectorConfig: names, strings, integers, messages, lists.</summary>
internal sealed class TextFormatReader
{
    /// <summary>
    /// Deepest nesting of messages accepted, as protobuf's own parsers limit recursion (100 there too): a
    /// ProjectorConfig nests two levels, and hostile text such as 100,000 "x {" must be an error, not a stack overflow.
    /// </summary>
    public const int MaxDepth = 100;

    private readonly string _text;
    private int _at;
    private int _depth;

    public TextFormatReader(string text)
    {
        _text = text;
        SkipSpace();
    }

    public bool AtEnd => _at >= _text.Length;

    public string FieldName()
    {
        int start = _at;
        while (_at < _text.Length && (char.IsAsciiLetterOrDigit(_text[_at]) || _text[_at] is '_' or '.'))
        {
            _at++;
        }
        if (_at == start)
        {
            throw Error("expected a field name");
        }
        string name = _text[start.._at];
        SkipSpace();
        return name;
    }

    /// <summary>Consumes an optional ':' and the opening '{' or '&lt;'; returns the matching closer.</summary>
    public char OpenMessage()
    {
        TryConsume(':');
        char close;
        if (TryConsume('{'))
        {
            close = '}';
        }
        else if (TryConsume('<'))
        {
            close = '>';
        }
        else
        {
            throw Error("expected '{'");
        }
        if (++_depth > MaxDepth)
        {
            throw Error($"messages nested more than {MaxDepth} deep");
        }
        return close;
    }

    public bool TryClose(char close)
    {
        if (AtEnd)
        {
            throw Error($"expected '{close}'");
        }
        if (TryConsume(close))
        {
            _depth--;
            SkipSeparator();
            return true;
        }
        return false;
    }

    public string StringValue()
    {
        Expect(':');
        var bytes = new List<byte>();
        bool any = false;
        while (_at < _text.Length && _text[_at] is '"' or '\'')
        {
            ReadQuoted(bytes);
            any = true;
        }
        if (!any)
        {
            throw Error("expected a quoted string");
        }
        SkipSeparator();
        return Encoding.UTF8.GetString([.. bytes]);
    }

    public void UInt32Values(RepeatedField<uint> target)
    {
        Expect(':');
        if (TryConsume('['))
        {
            while (!TryConsume(']'))
            {
                target.Add(ReadUInt32());
                TryConsume(',');
            }
        }
        else
        {
            target.Add(ReadUInt32());
        }
        SkipSeparator();
    }

    public void SkipValue()
    {
        bool colon = TryConsume(':');
        if (_at < _text.Length && _text[_at] is '{' or '<')
        {
            char close = OpenMessage();
            while (!TryClose(close))
            {
                FieldName();
                SkipValue();
            }
            return;
        }
        if (!colon)
        {
            throw Error("expected ':'");
        }
        if (TryConsume('['))
        {
            while (!TryConsume(']'))
            {
                SkipScalar();
                TryConsume(',');
            }
        }
        else
        {
            SkipScalar();
        }
        SkipSeparator();
    }

    private void SkipScalar()
    {
        if (_at < _text.Length && _text[_at] is '"' or '\'')
        {
            var ignored = new List<byte>();
            while (_at < _text.Length && _text[_at] is '"' or '\'')
            {
                ReadQuoted(ignored);
            }
            return;
        }
        int start = _at;
        while (_at < _text.Length && (char.IsAsciiLetterOrDigit(_text[_at]) || _text[_at] is '_' or '.' or '-' or '+'))
        {
            _at++;
        }
        if (_at == start)
        {
            throw Error("expected a value");
        }
        SkipSpace();
    }

    private uint ReadUInt32()
    {
        int start = _at;
        while (_at < _text.Length && char.IsAsciiLetterOrDigit(_text[_at]))
        {
            _at++;
        }
        string token = _text[start.._at];
        bool ok = token.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? uint.TryParse(token.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint value)
            : uint.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        if (!ok)
        {
            _at = start;
            throw Error("expected an unsigned integer");
        }
        SkipSpace();
        return value;
    }

    private void ReadQuoted(List<byte> bytes)
    {
        char quote = _text[_at++];
        Span<byte> utf8 = stackalloc byte[4];
        while (true)
        {
            if (_at >= _text.Length || _text[_at] == '\n')
            {
                throw Error("unterminated string");
            }
            char c = _text[_at++];
            if (c == quote)
            {
                break;
            }
            if (c != '\\')
            {
                if (char.IsHighSurrogate(c) && _at < _text.Length)
                {
                    int n = Encoding.UTF8.GetBytes([c, _text[_at++]], utf8);
                    bytes.AddRange(utf8[..n]);
                }
                else
                {
                    int n = Encoding.UTF8.GetBytes([c], utf8);
                    bytes.AddRange(utf8[..n]);
                }
                continue;
            }
            if (_at >= _text.Length)
            {
                throw Error("unterminated escape");
            }
            char e = _text[_at++];
            switch (e)
            {
                case 'n': bytes.Add((byte)'\n'); break;
                case 'r': bytes.Add((byte)'\r'); break;
                case 't': bytes.Add((byte)'\t'); break;
                case 'a': bytes.Add(7); break;
                case 'b': bytes.Add(8); break;
                case 'f': bytes.Add(12); break;
                case 'v': bytes.Add(11); break;
                case '\\' or '\'' or '"' or '?': bytes.Add((byte)e); break;
                case >= '0' and <= '7':
                    int octal = e - '0';
                    for (int i = 0; i < 2 && _at < _text.Length && _text[_at] is >= '0' and <= '7'; i++)
                    {
                        octal = octal * 8 + (_text[_at++] - '0');
                    }
                    bytes.Add((byte)octal);
                    break;
                case 'x':
                    int hex = 0, digits = 0;
                    while (digits < 2 && _at < _text.Length && char.IsAsciiHexDigit(_text[_at]))
                    {
                        hex = hex * 16 + Convert.ToInt32(_text[_at++].ToString(), 16);
                        digits++;
                    }
                    if (digits == 0)
                    {
                        throw Error("bad \\x escape");
                    }
                    bytes.Add((byte)hex);
                    break;
                default:
                    throw Error($"unknown escape \\{e}");
            }
        }
        SkipSpace();
    }

    private void Expect(char c)
    {
        if (!TryConsume(c))
        {
            throw Error($"expected '{c}'");
        }
    }

    private bool TryConsume(char c)
    {
        if (_at < _text.Length && _text[_at] == c)
        {
            _at++;
            SkipSpace();
            return true;
        }
        return false;
    }

    private void SkipSeparator()
    {
        if (!TryConsume(','))
        {
            TryConsume(';');
        }
    }

    private void SkipSpace()
    {
        while (_at < _text.Length)
        {
            if (char.IsWhiteSpace(_text[_at]))
            {
                _at++;
            }
            else if (_text[_at] == '#')
            {
                while (_at < _text.Length && _text[_at] != '\n')
                {
                    _at++;
                }
            }
            else
            {
                break;
            }
        }
    }

    private FormatException Error(string what)
    {
        int line = 1;
        for (int i = 0; i < _at && i < _text.Length; i++)
        {
            line += _text[i] == '\n' ? 1 : 0;
        }
        return new FormatException($"projector_config.pbtxt line {line}: {what}.");
    }
}
