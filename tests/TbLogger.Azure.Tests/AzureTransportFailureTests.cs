using Azure.Core.Pipeline;

namespace TbLogger.Azure.Tests;

/// <summary>
/// A service that never answers because every try fails in transport (a connection aborted, as a frozen or dying
/// emulator does): the SDK retries a read, then throws every try's exception together; reads still end in the
/// store's own typed errors naming the blob, within the retries. No server: the transport fails every request.
/// </summary>
[TestClass]
public sealed class AzureTransportFailureTests
{
    private sealed class AbortingHandler : HttpMessageHandler
    {
        public int Requests;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(Send(request, cancellationToken));

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Requests);
            throw new IOException("Unable to read data from the transport connection: Software caused connection abort.");
        }
    }

    private static (AzureBlobLogStorage Storage, AbortingHandler Handler) Store()
    {
        var handler = new AbortingHandler();
        var storage = new AzureBlobLogStorage(new AzureBlobLogStorageOptions
        {
            ConnectionString = AzuriteServer.ConnectionStringFor(9),
            Transport = new HttpClientTransport(new HttpClient(handler)),
            RequestTimeout = TimeSpan.FromSeconds(30),
        });
        return (storage, handler);
    }

    [TestMethod]
    public void Opening_a_blob_whose_every_try_fails_is_an_AzureBlobStorageException_naming_it()
    {
        var (storage, handler) = Store();
        const string blob = "az://runs/exp/events.out.tfevents.1.host";
        var error = Assert.ThrowsExactly<AzureBlobStorageException>(() => storage.OpenRead(blob).Dispose());
        Assert.AreEqual(0, error.Status);
        Assert.AreEqual(blob, error.Uri);
        Assert.AreEqual($"Could not read {blob}: 4 tries failed, the last with IOException: Unable to read data from the transport connection: Software caused connection abort.", error.Message);
        Assert.IsInstanceOfType<AggregateException>(error.InnerException);
        Assert.AreEqual(4, handler.Requests, "the first try and the read client's three retries");
    }

    [TestMethod]
    public void Listing_a_directory_whose_every_try_fails_is_an_IOException_naming_it()
    {
        var (storage, handler) = Store();
        var error = Assert.ThrowsExactly<IOException>(() => storage.ListFiles("az://runs/exp", recursive: true));
        Assert.AreEqual("Listing az://runs/exp: no answer from Azure Blob Storage in 4 tries (IOException: Unable to read data from the transport connection: Software caused connection abort.).", error.Message);
        Assert.IsInstanceOfType<AggregateException>(error.InnerException);
        Assert.AreEqual(4, handler.Requests);
    }
}
