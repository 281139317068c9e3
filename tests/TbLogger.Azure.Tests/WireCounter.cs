using Azure.Core.Pipeline;

namespace TbLogger.Azure.Tests;

/// <summary>Counts blob requests as they leave the client: appends (with their body bytes and the largest one).</summary>
internal sealed class WireCounter : DelegatingHandler
{
    private long _appends;
    private long _appendBytes;
    private long _largestAppend;

    public WireCounter()
        : base(new SocketsHttpHandler())
    {
    }

    public long Appends => Interlocked.Read(ref _appends);

    public long AppendBytes => Interlocked.Read(ref _appendBytes);

    public long LargestAppend => Interlocked.Read(ref _largestAppend);

    /// <summary>Rewrites every download response before the SDK sees it (null: leave as is).</summary>
    public Action<HttpResponseMessage>? OnDownload { get; set; }

    public HttpPipelineTransport Transport() => new HttpClientTransport(new HttpClient(this));

    // The SDK's synchronous calls use Send, its asynchronous ones SendAsync.
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Observe(request);
        return Rewrite(request, base.Send(request, cancellationToken));
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Observe(request);
        return Rewrite(request, await base.SendAsync(request, cancellationToken).ConfigureAwait(false));
    }

    private HttpResponseMessage Rewrite(HttpRequestMessage request, HttpResponseMessage response)
    {
        if (request.Method == HttpMethod.Get && OnDownload is { } rewrite && request.Headers.Contains("x-ms-range"))
        {
            rewrite(response);
        }
        return response;
    }

    private void Observe(HttpRequestMessage request)
    {
        if (request.Method == HttpMethod.Put && request.RequestUri!.Query.Contains("comp=appendblock", StringComparison.Ordinal))
        {
            long length = request.Content?.Headers.ContentLength ?? throw new InvalidOperationException("An append without Content-Length.");
            Interlocked.Increment(ref _appends);
            Interlocked.Add(ref _appendBytes, length);
            long largest;
            while (length > (largest = Interlocked.Read(ref _largestAppend)) && Interlocked.CompareExchange(ref _largestAppend, length, largest) != largest)
            {
            }
        }
    }
}
