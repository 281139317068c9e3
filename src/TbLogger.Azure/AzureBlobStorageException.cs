using Azure;

namespace TbLogger.Azure;

/// <summary>
/// Azure Blob Storage refused a request: the message names the operation, the blob (never a credential), the HTTP
/// status and the service's error code, with what it usually means.
/// </summary>
public sealed class AzureBlobStorageException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="uri">The blob or directory, without any query string.</param>
    /// <param name="status">The HTTP status, 0 when no response came.</param>
    /// <param name="errorCode">The service's error code, or null.</param>
    /// <param name="innerException">The SDK's exception.</param>
    public AzureBlobStorageException(string message, string uri, int status, string? errorCode, Exception? innerException)
        : base(message, innerException)
    {
        Uri = uri;
        Status = status;
        ErrorCode = errorCode;
    }

    /// <summary>The blob or directory the request was for.</summary>
    public string Uri { get; }

    /// <summary>The HTTP status, 0 when no response came (timeout, connection refused).</summary>
    public int Status { get; }

    /// <summary>The service's error code (e.g. "AuthenticationFailed", "ContainerNotFound"), or null.</summary>
    public string? ErrorCode { get; }

    /// <summary>True for refusals a retry cannot fix: bad credentials, missing permission or container, invalid request.</summary>
    public bool IsPermanent => Status is 400 or 401 or 403 or 404 or 405 or 411 or 413 or 414 or 416;

    internal static AzureBlobStorageException From(RequestFailedException ex, string operation, string uri)
    {
        if (ex.Status == 0)
        {
            // No response at all (the SDK's transport failed): not a refusal.
            return new AzureBlobStorageException($"Could not {operation} {uri}: no response from Azure Blob Storage ({FirstLine(ex.Message)}).", uri, 0, ex.ErrorCode, ex);
        }
        string code = string.IsNullOrEmpty(ex.ErrorCode) ? "" : " " + ex.ErrorCode;
        string hint = ex.Status switch
        {
            401 or 403 => " (the credential is invalid, expired, or lacks permission for this operation)",
            404 when ex.ErrorCode == "ContainerNotFound" => " (the container does not exist)",
            404 => " (not found)",
            409 when ex.ErrorCode == "BlobAlreadyExists" => " (the blob already exists)",
            _ => "",
        };
        return new AzureBlobStorageException($"Azure Blob Storage refused to {operation} {uri}: {ex.Status}{code}{hint}.", uri, ex.Status, ex.ErrorCode, ex);
    }

    internal static AzureBlobStorageException From(Exception ex, string operation, string uri) => ex switch
    {
        AzureBlobStorageException already => already,
        RequestFailedException failed => From(failed, operation, uri),
        OperationCanceledException => new AzureBlobStorageException($"Could not {operation} {uri}: no answer within the request timeout.", uri, 0, null, ex),
        // The SDK's retries all failed without an answer (it throws every attempt's exception together): the last
        // attempt says why. A refusal among them is the service's answer.
        AggregateException { InnerExceptions: [.., var last] } aggregate => RefusalAmong(aggregate) is { } refused
            ? From(refused, operation, uri)
            : last is OperationCanceledException
                ? new AzureBlobStorageException($"Could not {operation} {uri}: no answer within the request timeout ({aggregate.InnerExceptions.Count} tries).", uri, 0, null, ex)
                : new AzureBlobStorageException($"Could not {operation} {uri}: {aggregate.InnerExceptions.Count} tries failed, the last with {last.GetType().Name}: {FirstLine(last.Message)}", uri, 0, null, ex),
        _ => new AzureBlobStorageException($"Could not {operation} {uri}: {ex.GetType().Name}: {FirstLine(ex.Message)}", uri, 0, null, ex),
    };

    /// <summary>
    /// True for what a request to the service throws when it fails: a refusal, a timeout (cancellation), or the
    /// SDK's retries all failing (an <see cref="AggregateException"/> of every attempt's exception).
    /// </summary>
    internal static bool IsRequestFailure(Exception ex) => ex is RequestFailedException or OperationCanceledException or AggregateException;

    /// <summary>The service's last refusal among the tries of an exhausted retry, or null when none of them got an answer.</summary>
    internal static RequestFailedException? RefusalAmong(AggregateException tries) => tries.InnerExceptions.OfType<RequestFailedException>().LastOrDefault();

    internal static string FirstLine(string message)
    {
        int newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}
