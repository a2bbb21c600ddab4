"""NuGet for the bootstrap: versions, target frameworks, feeds, downloads, .nupkg reading."""
