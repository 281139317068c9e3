using Amazon.Runtime;

namespace TbLogger.S3.Tests;

/// <summary>Counts S3 requests as they leave the client: PUTs and their body bytes, GETs of objects and their ranges.</summary>
internal sealed class RequestCounter
{
    private long _gets;
    private long _rangedGets;
    private long _puts;
    private long _putBytes;
    private long _largestPut;

    public long Puts => Interlocked.Read(ref _puts);

    /// <summary>GETs of objects (not listings).</summary>
    public long Gets => Interlocked.Read(ref _gets);

    /// <summary>GETs of objects that asked for a byte range.</summary>
    public long RangedGets => Interlocked.Read(ref _rangedGets);

    public long PutBytes => Interlocked.Read(ref _putBytes);

    public long LargestPut => Interlocked.Read(ref _largestPut);

    public void Observe(HttpRequestMessage request)
    {
        if (request.Method == HttpMethod.Get && request.RequestUri is not null && request.RequestUri.AbsolutePath.Count(c => c == '/') >= 2)
        {
            Interlocked.Increment(ref _gets);
            if (request.Headers.Range is not null)
            {
                Interlocked.Increment(ref _rangedGets);
            }
            return;
        }
        if (request.Method != HttpMethod.Put || request.RequestUri is null || request.RequestUri.AbsolutePath.Count(c => c == '/') < 2)
        {
            return; // bucket creation is a PUT on "/bucket"; objects are "/bucket/key"
        }
        long length = request.Content?.Headers.ContentLength ?? throw new InvalidOperationException("A PUT without Content-Length (chunked upload).");
        Interlocked.Increment(ref _puts);
        Interlocked.Add(ref _putBytes, length);
        long largest;
        while (length > (largest = Interlocked.Read(ref _largestPut)) && Interlocked.CompareExchange(ref _largestPut, length, largest) != largest)
        {
        }
    }
}

/// <summary>Gives the SDK an HttpClient whose handler reports every request to a <see cref="RequestCounter"/>.</summary>
internal sealed class CountingHttpClientFactory(RequestCounter counter) : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new CountingHandler(counter, new HttpClientHandler()));

    private sealed class CountingHandler(RequestCounter counter, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            counter.Observe(request);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
