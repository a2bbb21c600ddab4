using Octopus.Client.Model;

namespace Octopus.Client.Model.Endpoints
{
    /// <summary>How Octopus reaches a machine; the concrete type follows <see cref="CommunicationStyle"/> (see EndpointConverter).</summary>
    public abstract class EndpointResource : Resource
    {
        public abstract CommunicationStyle CommunicationStyle { get; }
    }

    public interface ITentacleEndpointResource
    {
    }

    public interface IListeningTentacleEndpointResource : ITentacleEndpointResource
    {
    }

    public interface IPollingTentacleEndpointResource : ITentacleEndpointResource
    {
    }

    public class TentacleDetailsResource
    {
        public bool UpgradeLocked { get; set; }
        public string Version { get; set; }
        public bool UpgradeSuggested { get; set; }
        public bool UpgradeRequired { get; set; }
        public bool UpgradeAvailable { get; set; }
    }

    public abstract class TentacleEndpointResource : EndpointResource, ITentacleEndpointResource
    {
        public string Thumbprint { get; set; }
        public string Uri { get; set; }
        public string CertificateSignatureAlgorithm { get; set; }
        public TentacleDetailsResource TentacleVersionDetails { get; set; }
    }

    public class ListeningTentacleEndpointResource : TentacleEndpointResource, IListeningTentacleEndpointResource
    {
        public override CommunicationStyle CommunicationStyle
        {
            get { return CommunicationStyle.TentaclePassive; }
        }

        public string ProxyId { get; set; }
    }

    public class PollingTentacleEndpointResource : TentacleEndpointResource, IPollingTentacleEndpointResource
    {
        public override CommunicationStyle CommunicationStyle
        {
            get { return CommunicationStyle.TentacleActive; }
        }
    }

    public class SshEndpointResource : EndpointResource
    {
        public override CommunicationStyle CommunicationStyle
        {
            get { return CommunicationStyle.Ssh; }
        }

        public string AccountId { get; set; }
        public string Host { get; set; }
        public int Port { get; set; }
        public string Fingerprint { get; set; }
        public string ProxyId { get; set; }
        public string DotNetCorePlatform { get; set; }

        public string Uri
        {
            get { return new System.UriBuilder("ssh", Host, Port).ToString(); }
        }
    }

    public class OfflineDropEndpointResource : EndpointResource
    {
        public override CommunicationStyle CommunicationStyle
        {
            get { return CommunicationStyle.OfflineDrop; }
        }

        public string ApplicationsDirectory { get; set; }
        public string OctopusWorkingDirectory { get; set; }
    }

    public class CloudRegionEndpointResource : EndpointResource
    {
        public override CommunicationStyle CommunicationStyle
        {
            get { return CommunicationStyle.None; }
        }

        public string DefaultWorkerPoolId { get; set; }
    }

    public class AzureWebAppEndpointResource : EndpointResource
    {
        public override CommunicationStyle CommunicationStyle
        {
            get { return CommunicationStyle.AzureWebApp; }
        }

        public string AccountId { get; set; }
        public string ResourceGroupName { get; set; }
        public string WebAppName { get; set; }
        public string WebAppSlotName { get; set; }
    }

    public class CloudServiceEndpointResource : EndpointResource
    {
        public override CommunicationStyle CommunicationStyle
        {
            get { return CommunicationStyle.AzureCloudService; }
        }

        public string AccountId { get; set; }
        public string CloudServiceName { get; set; }
        public string StorageAccountName { get; set; }
        public string Slot { get; set; }
    }

    public class KubernetesEndpointResource : EndpointResource
    {
        public override CommunicationStyle CommunicationStyle
        {
            get { return CommunicationStyle.Kubernetes; }
        }

        public string ClusterUrl { get; set; }
        public string Namespace { get; set; }
        public string SkipTlsVerification { get; set; }
        public string DefaultWorkerPoolId { get; set; }
    }
}
