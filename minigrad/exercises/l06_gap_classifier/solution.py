"""Exercise gap-classifier (lesson 6): what global average pooling saves.

NIN and GoogLeNet replaced the big fully connected classifier by global average
pooling. A network's last feature map has `channels` maps of size x size. Two ways to classify it
into `classes` classes:
  - flatten it and apply one fully connected layer (weights and biases);
  - global average pooling (one number per channel), then one fully connected layer.
Return the classifier's parameter count for each (gap=False, gap=True).
"""


def classifier_params(channels, size, classes, gap):
    # BEGIN SOLUTION
    features = channels if gap else channels * size * size  # pooling has no parameters
    return features * classes + classes
    # END SOLUTION
