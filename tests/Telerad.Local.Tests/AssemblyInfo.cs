// Each test class starts its own Azurite, durable engine and API (and some a second process): run them one at a time
// so that, on a small machine, they do not starve each other beside the other test assemblies.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
