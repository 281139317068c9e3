namespace TbLogger;

/// <summary>The type of a hyperparameter value, as the HPARAMS dashboard filters and sorts it.</summary>
public enum HParamKind
{
    /// <summary><c>default(HParamValue)</c>: no value; rejected wherever a value is needed.</summary>
    None = 0,

    /// <summary>A finite number (DATA_TYPE_FLOAT64).</summary>
    Number = 1,

    /// <summary>A string (DATA_TYPE_STRING).</summary>
    String = 2,

    /// <summary>A boolean (DATA_TYPE_BOOL), stored as a real boolean, not as 1.0 the way PyTorch does.</summary>
    Bool = 3,
}
