using System.Text;

namespace TbLogger.Replay;

/// <summary>Reads RFC 4180 CSV (quoted fields, doubled quotes, line breaks inside quotes) one row at a time.</summary>
internal sealed class CsvReader(TextReader reader, char separator)
{
    private readonly StringBuilder _field = new();

    public long Line { get; private set; }

    public List<string>? ReadRow()
    {
        int c = reader.Read();
        while (c is '\r' or '\n')
        {
            if (c == '\n')
            {
                Line++;
            }
            c = reader.Read();
        }
        if (c < 0)
        {
            return null;
        }
        Line++;
        var row = new List<string>();
        _field.Clear();
        bool quoted = false;
        while (true)
        {
            if (quoted)
            {
                if (c < 0)
                {
                    throw new FormatException($"Line {Line}: a quoted field is not closed.");
                }
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        _field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    _field.Append((char)c);
                }
            }
            else if (c == '"' && _field.Length == 0)
            {
                quoted = true;
            }
            else if (c == separator)
            {
                row.Add(_field.ToString());
                _field.Clear();
            }
            else if (c is '\n' or '\r' or -1)
            {
                if (c == '\r' && reader.Peek() == '\n')
                {
                    reader.Read();
                }
                row.Add(_field.ToString());
                return row;
            }
            else
            {
                _field.Append((char)c);
            }
            c = reader.Read();
        }
    }
}
